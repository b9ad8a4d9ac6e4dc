/*
 * strhash - string building, hashing and an open-addressing hash table.
 *
 * Each round builds many short keys such as "user:4711/item-3f9a" into a
 * byte arena (hand-written number formatting, byte copies), inserts them
 * into a linear-probing table keyed by an FNV-1a hash (updating a counter
 * when a key repeats), then looks up a mix of present and absent keys with
 * full byte comparisons.  Byte loads, hashing multiplies, unpredictable
 * branches and cache misses.
 */
#include "bench_common.h"
#include <string.h>

#define KEYS 200000u          /* keys inserted per round (some repeat) */
#define LOOKUPS 400000u       /* lookups per round */
#define ROUNDS 6
#define TABLE_BITS 19         /* 512Ki slots, load factor <= ~0.38 */
#define TABLE_SIZE (1u << TABLE_BITS)
#define ARENA_SIZE (KEYS * 32u)

typedef struct {
    uint32_t hash;    /* 0 means empty slot */
    uint32_t offset;  /* key bytes at arena[offset], length len */
    uint32_t len;
    uint32_t count;   /* how many times this key was inserted */
} slot;

static char arena[ARENA_SIZE];
static uint32_t arena_used;
static slot table[TABLE_SIZE];

static uint32_t fnv1a(const char *s, uint32_t len)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h ? h : 1;  /* reserve 0 for "empty" */
}

/* Append decimal digits of v to dst, return number of bytes written. */
static uint32_t put_dec(char *dst, uint32_t v)
{
    char tmp[10];
    uint32_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (uint32_t i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    return n;
}

/* Append lowercase hex digits of v (no leading zeros). */
static uint32_t put_hex(char *dst, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[8];
    uint32_t n = 0;
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v);
    for (uint32_t i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    return n;
}

/* Build the key for id into dst: "<prefix>:<id>/item-<hex>". */
static uint32_t make_key(char *dst, uint32_t id)
{
    static const char *const prefixes[4] = {"user", "session", "cart", "o"};
    const char *p = prefixes[id & 3];
    uint32_t n = (uint32_t)strlen(p);
    memcpy(dst, p, n);
    dst[n++] = ':';
    n += put_dec(dst + n, id);
    memcpy(dst + n, "/item-", 6);
    n += 6;
    n += put_hex(dst + n, (id * 2654435761u) >> 12);
    return n;
}

/* Find the slot for key: either the slot holding it or the empty slot where it would go. */
static slot *probe(const char *key, uint32_t len, uint32_t h)
{
    uint32_t i = h & (TABLE_SIZE - 1);
    for (;;) {
        slot *s = &table[i];
        if (s->hash == 0)
            return s;
        if (s->hash == h && s->len == len && memcmp(arena + s->offset, key, len) == 0)
            return s;
        i = (i + 1) & (TABLE_SIZE - 1);
    }
}

/* Insert the key for id (or bump its count); returns 1 if it was new. */
BENCH_NOINLINE static uint32_t insert_key(uint32_t id)
{
    char key[64];
    uint32_t len = make_key(key, id);
    uint32_t h = fnv1a(key, len);
    slot *s = probe(key, len, h);
    if (s->hash != 0) {
        s->count++;
        return 0;
    }
    memcpy(arena + arena_used, key, len);
    s->hash = h;
    s->offset = arena_used;
    s->len = len;
    s->count = 1;
    arena_used += len;
    return 1;
}

/* Insertion count of the key for id, or 0 if it is not in the table. */
BENCH_NOINLINE static uint32_t lookup_key(uint32_t id)
{
    char key[64];
    uint32_t len = make_key(key, id);
    slot *s = probe(key, len, fnv1a(key, len));
    return s->hash != 0 ? s->count : 0;
}

int main(void)
{
    bench_rng rng;
    bench_rng_seed(&rng, 7);
    uint64_t acc = 0;

    for (uint32_t r = 0; r < ROUNDS; r++) {
        memset(table, 0, sizeof table);
        arena_used = 0;
        uint32_t distinct = 0;
        uint32_t id_space = KEYS + KEYS / 2;   /* ids drawn with repeats */

        for (uint32_t k = 0; k < KEYS; k++)
            distinct += insert_key(bench_rng_below(&rng, id_space) + r * 1000u);

        uint32_t hits = 0;
        uint64_t hit_counts = 0;
        for (uint32_t q = 0; q < LOOKUPS; q++) {
            /* About a third of the lookups use ids beyond the inserted range. */
            uint32_t count = lookup_key(bench_rng_below(&rng, id_space + id_space / 2) + r * 1000u);
            if (count) {
                hits++;
                hit_counts += count;
            }
        }

        /* Walk the table in slot order: depends on hashing and probing. */
        uint64_t walk = 0;
        for (uint32_t i = 0; i < TABLE_SIZE; i += 3)
            walk = walk * 31 + table[i].hash + table[i].count;

        acc = bench_mix(acc, distinct);
        acc = bench_mix(acc, hits);
        acc = bench_mix(acc, hit_counts);
        acc = bench_mix(acc, arena_used);
        acc = bench_mix(acc, walk);
    }
    bench_report("strhash", acc);
    return 0;
}
