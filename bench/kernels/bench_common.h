/*
 * bench_common.h - tiny helpers shared by the Spindle compute kernels.
 *
 * Everything here is deterministic and uses fixed-width integer types so
 * that a kernel computes bit-identical results natively (x86_64, LP64) and
 * on wasm32 (ILP32).  Never use `long` in a kernel: it changes width.
 */
#ifndef SPINDLE_BENCH_COMMON_H
#define SPINDLE_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>

/*
 * Keep hot loops in functions that are *called* many times.  Tiered wasm
 * engines (V8's Liftoff -> TurboFan, and possibly Spindle's tiers) usually
 * switch a function to optimized code only on its next call; they do not
 * replace a frame that is already running.  A hot loop inlined into main()
 * would then stay in baseline code for the whole run and the benchmark
 * would measure the tiering policy instead of code quality.
 */
#define BENCH_NOINLINE __attribute__((noinline))

/* 64-bit state PRNG (xorshift64*). Seed must be non-zero. */
typedef struct {
    uint64_t s;
} bench_rng;

static inline void bench_rng_seed(bench_rng *r, uint64_t seed)
{
    /* Scramble the seed a bit so small seeds give unrelated streams. */
    seed ^= 0x9E3779B97F4A7C15ull;
    seed *= 0xBF58476D1CE4E5B9ull;
    seed ^= seed >> 31;
    r->s = seed ? seed : 0x2545F4914F6CDD1Dull;
}

static inline uint64_t bench_rng_next64(bench_rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static inline uint32_t bench_rng_next32(bench_rng *r)
{
    return (uint32_t)(bench_rng_next64(r) >> 32);
}

/* Uniform-ish value in [0, n) (n > 0); the tiny modulo bias is irrelevant here. */
static inline uint32_t bench_rng_below(bench_rng *r, uint32_t n)
{
    return bench_rng_next32(r) % n;
}

/* Fold a 64-bit value into a running checksum (order-sensitive). */
static inline uint64_t bench_mix(uint64_t acc, uint64_t v)
{
    acc ^= v + 0x9E3779B97F4A7C15ull + (acc << 6) + (acc >> 2);
    acc *= 0x100000001B3ull;
    return acc;
}

/* Every kernel prints exactly one line in this format. */
static inline void bench_report(const char *name, uint64_t checksum)
{
    printf("%s checksum=%016llx\n", name, (unsigned long long)checksum);
}

#endif
