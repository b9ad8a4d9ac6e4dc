/*
 * sieve - Sieve of Eratosthenes.
 *
 * Marks composites in a byte array of SIEVE_N entries several times, with a
 * different upper limit each round, and counts primes.  Memory-bound strided
 * stores plus a linear scan.
 */
#include "bench_common.h"
#include <string.h>

#define SIEVE_N (16u * 1024u * 1024u)
#define ROUNDS 12

#define CHUNK 65536u    /* the prime scan runs in chunks of this many bytes */

static uint8_t composite[SIEVE_N + 1];

/* Mark every multiple of the prime p from p*p up to limit. */
BENCH_NOINLINE static void cross_off(uint32_t p, uint32_t limit)
{
    for (uint32_t m = p * p; m <= limit; m += p)
        composite[m] = 1;
}

/* Scan [lo, hi) for primes: returns how many, adds them to *sum, updates *last. */
BENCH_NOINLINE static uint32_t scan(uint32_t lo, uint32_t hi, uint64_t *sum, uint32_t *last)
{
    uint32_t count = 0;
    for (uint32_t i = lo; i < hi; i++) {
        if (!composite[i]) {
            count++;
            *last = i;
            *sum += i;
        }
    }
    return count;
}

static uint32_t sieve(uint32_t limit, uint64_t *acc)
{
    memset(composite, 0, limit + 1);
    composite[0] = composite[1] = 1;
    for (uint32_t p = 2; (uint64_t)p * p <= limit; p++)
        if (!composite[p])
            cross_off(p, limit);

    uint32_t count = 0;
    uint32_t last = 0;
    uint64_t sum = 0;
    for (uint32_t lo = 2; lo <= limit; lo += CHUNK) {
        uint32_t hi = limit - lo + 1 < CHUNK ? limit + 1 : lo + CHUNK;
        count += scan(lo, hi, &sum, &last);
    }
    *acc = bench_mix(*acc, sum);
    *acc = bench_mix(*acc, last);
    return count;
}

int main(void)
{
    uint64_t acc = 0;
    for (uint32_t r = 0; r < ROUNDS; r++) {
        uint32_t limit = SIEVE_N - r * 1000003u;
        uint32_t count = sieve(limit, &acc);
        acc = bench_mix(acc, count);
    }
    bench_report("sieve", acc);
    return 0;
}
