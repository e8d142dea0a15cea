/* Weights repacked once per matrix for the matrix kernels, spliced in by build.py before them.
 * For a group of `rows` output rows and one 32-weight block, the weights are stored as 8 runs of
 * rows x 4 bytes; run k holds weights 4k..4k+3 of each row of the group. That is what one
 * AVX-512 VNNI `vpdpbusd` reads for 8 rows (matmul_q4q8.c: 32 bytes), two AVX2 vectors for 16
 * rows (matmul_q4q8.c) and the 8 x 64-byte weight tile one AMX `tdpbssd` reads for 16 rows
 * (matmul_amx.c). Each path asks for its own row count
 * and nibble offset (0: the nibbles 0..15 as they are; -8: the signed weights). Kept for the
 * life of the process, keyed by the source's address, shape, layout and first and last blocks
 * (an address reused by another mapping of other weights is not mistaken for this one). */
#include <pthread.h>

#define MAX_PACKED 256

typedef struct {
    const block_q4_0 *source;
    block_q4_0 first, last;
    int nout, nin, rows, offset;
    int8_t *weights;   /* [nout/rows][nb][8 k][rows][4] */
    float *scales;     /* [nout/rows][nb][rows] */
} packed_matrix;

static packed_matrix packed[MAX_PACKED];
static int packed_count = 0;
static pthread_mutex_t packed_lock = PTHREAD_MUTEX_INITIALIZER;

/* `W` packed `rows` rows at a time with `offset` added to each nibble; NULL when the table is full. */
static const packed_matrix *packed_for(const block_q4_0 *W, int nout, int nin, int rows, int offset) {
    const int nb = nin / QK;
    pthread_mutex_lock(&packed_lock);
    const block_q4_0 *last = W + (size_t)nout * nb - 1;
    for (int i = 0; i < packed_count; i++)
        if (packed[i].source == W && packed[i].nout == nout && packed[i].nin == nin && packed[i].rows == rows &&
            packed[i].offset == offset && !memcmp(&packed[i].first, W, sizeof *W) &&
            !memcmp(&packed[i].last, last, sizeof *W)) {
            pthread_mutex_unlock(&packed_lock);
            return &packed[i];
        }
    if (packed_count == MAX_PACKED) {
        pthread_mutex_unlock(&packed_lock);
        return NULL;
    }
    int8_t *weights = (int8_t *)aligned_alloc(64, (size_t)nout * nin);
    float *scales = (float *)aligned_alloc(64, sizeof(float) * (size_t)nout * nb);
    for (int g = 0; g < nout / rows; g++)
        for (int b = 0; b < nb; b++) {
            int8_t *out = weights + ((size_t)g * nb + b) * rows * QK;
            for (int r = 0; r < rows; r++) {
                const block_q4_0 *block = W + (size_t)(g * rows + r) * nb + b;
                scales[((size_t)g * nb + b) * rows + r] = fp16_to_fp32(block->d);
                int8_t unpacked[QK];
                for (int j = 0; j < 16; j++) {
                    unpacked[j] = (int8_t)((block->qs[j] & 0x0F) + offset);
                    unpacked[j + 16] = (int8_t)((block->qs[j] >> 4) + offset);
                }
                for (int k = 0; k < QK / 4; k++)
                    memcpy(out + (k * rows + r) * 4, unpacked + 4 * k, 4);
            }
        }
    packed[packed_count] = (packed_matrix){W, *W, *last, nout, nin, rows, offset, weights, scales};
    const packed_matrix *found = &packed[packed_count++];
    pthread_mutex_unlock(&packed_lock);
    return found;
}
