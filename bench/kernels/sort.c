/*
 * sort - sorting a large pseudo-random int32 array (8 MiB).
 *
 * Each round fills the array from the PRNG, sorts it with a hand-written
 * quicksort (median-of-three, insertion sort for short ranges, recursion on
 * the smaller side), checks it is sorted, and folds a sample into the
 * checksum.  One extra round uses heapsort on a smaller slice.  Branchy,
 * data-dependent compares and swaps over memory.
 */
#include "bench_common.h"

#define COUNT (2u * 1024u * 1024u)   /* 2M int32 = 8 MiB */
#define ROUNDS 3
#define HEAP_COUNT (512u * 1024u)

static int32_t data[COUNT];

static void insertion_sort(int32_t *a, int32_t lo, int32_t hi)
{
    for (int32_t i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        int32_t j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static inline void swap32(int32_t *a, int32_t i, int32_t j)
{
    int32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(int32_t *a, int32_t lo, int32_t hi)
{
    while (hi - lo > 16) {
        /* Median of three moves the pivot to a[hi - 1] with sentinels at lo, hi. */
        int32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap32(a, mid, lo);
        if (a[hi] < a[lo]) swap32(a, hi, lo);
        if (a[hi] < a[mid]) swap32(a, hi, mid);
        swap32(a, mid, hi - 1);
        int32_t pivot = a[hi - 1];

        int32_t i = lo, j = hi - 1;
        for (;;) {
            while (a[++i] < pivot) {}
            while (a[--j] > pivot) {}
            if (i >= j)
                break;
            swap32(a, i, j);
        }
        swap32(a, i, hi - 1);

        /* Recurse into the smaller part, loop on the larger one. */
        if (i - lo < hi - i) {
            quicksort(a, lo, i - 1);
            lo = i + 1;
        } else {
            quicksort(a, i + 1, hi);
            hi = i - 1;
        }
    }
    insertion_sort(a, lo, hi);
}

static void sift_down(int32_t *a, uint32_t root, uint32_t n)
{
    for (;;) {
        uint32_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        swap32(a, (int32_t)root, (int32_t)child);
        root = child;
    }
}

static void heapsort(int32_t *a, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (uint32_t end = n; end-- > 1;) {
        swap32(a, 0, (int32_t)end);
        sift_down(a, 0, end);
    }
}

static void fill(uint64_t seed, uint32_t n)
{
    bench_rng rng;
    bench_rng_seed(&rng, seed);
    for (uint32_t i = 0; i < n; i++)
        data[i] = (int32_t)bench_rng_next32(&rng);
}

/* Returns a checksum of the sorted array, or 0 with a message if unsorted. */
static uint64_t verify(uint32_t n, uint64_t acc)
{
    for (uint32_t i = 1; i < n; i++) {
        if (data[i - 1] > data[i]) {
            printf("sort: array not sorted at %u\n", (unsigned)i);
            return 0;
        }
    }
    for (uint32_t i = 0; i < n; i += 997)
        acc = bench_mix(acc, (uint32_t)data[i]);
    return bench_mix(acc, (uint32_t)data[n - 1]);
}

int main(void)
{
    uint64_t acc = 0;
    for (uint32_t r = 0; r < ROUNDS; r++) {
        fill(1000 + r, COUNT);
        quicksort(data, 0, (int32_t)COUNT - 1);
        acc = verify(COUNT, acc);
        if (!acc)
            return 1;
    }
    fill(77, HEAP_COUNT);
    heapsort(data, HEAP_COUNT);
    acc = verify(HEAP_COUNT, acc);
    if (!acc)
        return 1;
    bench_report("sort", acc);
    return 0;
}
