/*
 * fib - naive doubly recursive Fibonacci.
 *
 * Measures call/return overhead and a little integer arithmetic: almost
 * nothing but function calls.  The argument is read through a volatile so
 * the compiler cannot fold the whole computation at build time.
 */
#include "bench_common.h"

static volatile uint32_t fib_arg = 40;
static volatile uint32_t repeat = 2;

BENCH_NOINLINE static uint32_t fib(uint32_t n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int main(void)
{
    uint64_t sum = 0;
    uint32_t reps = repeat;
    for (uint32_t i = 0; i < reps; i++) {
        uint32_t n = fib_arg - i;           /* fib(40), then fib(39) */
        sum = bench_mix(sum, fib(n));
    }
    bench_report("fib", sum);
    return 0;
}
