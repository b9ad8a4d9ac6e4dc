/*
 * matmul - dense double-precision matrix multiply, C = A * B.
 *
 * Plain i-k-j triple loop over N x N row-major matrices, repeated ROUNDS
 * times with C fed back into A (scaled to stay bounded).  Exercises f64
 * multiply/add and sequential loads/stores.  No fused multiply-add is used
 * on either target, so native and wasm results are bit-identical; the
 * checksum folds the raw bit patterns of the result.
 */
#include "bench_common.h"
#include <string.h>

#define N 384       /* three N x N double matrices: 3.4 MiB */
#define ROUNDS 24

static double A[N * N], B[N * N], C[N * N];

/* One row of the product: crow = arow * b.  Called N times per multiply. */
BENCH_NOINLINE static void multiply_row(const double *arow, const double *b, double *crow)
{
    for (int j = 0; j < N; j++)
        crow[j] = 0.0;
    for (int k = 0; k < N; k++) {
        double aik = arow[k];
        const double *brow = b + k * N;
        for (int j = 0; j < N; j++)
            crow[j] += aik * brow[j];
    }
}

static void multiply(const double *a, const double *b, double *c)
{
    for (int i = 0; i < N; i++)
        multiply_row(a + i * N, b, c + i * N);
}

int main(void)
{
    bench_rng rng;
    bench_rng_seed(&rng, 42);
    /* Values in [-1, 1) with 1/1024 resolution. */
    for (int i = 0; i < N * N; i++) {
        A[i] = ((double)bench_rng_below(&rng, 2048) - 1024.0) / 1024.0;
        B[i] = ((double)bench_rng_below(&rng, 2048) - 1024.0) / 1024.0;
    }

    uint64_t acc = 0;
    for (int r = 0; r < ROUNDS; r++) {
        multiply(A, B, C);
        /* Feed the product back as the next left operand, rescaled. */
        double maxabs = 0.0;
        for (int i = 0; i < N * N; i++) {
            double v = C[i] < 0 ? -C[i] : C[i];
            if (v > maxabs)
                maxabs = v;
        }
        double scale = maxabs > 0.0 ? 1.0 / maxabs : 1.0;
        for (int i = 0; i < N * N; i++)
            A[i] = C[i] * scale;

        for (int i = 0; i < N * N; i += 7) {
            uint64_t bits;
            memcpy(&bits, &C[i], sizeof bits);
            acc = bench_mix(acc, bits);
        }
        /* Trace, rounded to an integer, gives a human-readable sanity value. */
        double trace = 0.0;
        for (int i = 0; i < N; i++)
            trace += C[i * N + i];
        acc = bench_mix(acc, (uint64_t)(int64_t)(trace * 1e6));
    }
    bench_report("matmul", acc);
    return 0;
}
