/*
 * coremark_like - a CoreMark-style mix of small integer workloads.
 *
 * Written from scratch for Spindle; it follows the spirit of CoreMark (not
 * its code and not comparable to CoreMark scores).  Every iteration runs:
 *   1. list:   a singly linked list in a static node pool: find values,
 *              reverse, merge-sort by value, merge-sort back by index;
 *   2. matrix: small int16 matrices: add constant, matrix*vector,
 *              matrix*matrix, and extraction of bit fields from the products;
 *   3. state:  a character-level state machine that classifies comma
 *              separated tokens as integer / decimal / exponent / invalid;
 *   4. crc:    CRC-16 (reflected polynomial 0xA001) over each stage's results,
 *              chained across stages and iterations.
 * The final CRC chain plus per-stage counters form the checksum.
 */
#include "bench_common.h"
#include <string.h>

#define ITERATIONS 6000
#define LIST_NODES 256
#define MAT_N 24
#define STATE_LEN 2048

/* ---------------------------------------------------------------- CRC */

static uint16_t crc16_byte(uint8_t b, uint16_t crc)
{
    crc ^= b;
    for (int i = 0; i < 8; i++)
        crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    return crc;
}

static uint16_t crc16_u16(uint16_t v, uint16_t crc)
{
    crc = crc16_byte((uint8_t)v, crc);
    return crc16_byte((uint8_t)(v >> 8), crc);
}

static uint16_t crc16_u32(uint32_t v, uint16_t crc)
{
    crc = crc16_u16((uint16_t)v, crc);
    return crc16_u16((uint16_t)(v >> 16), crc);
}

/* --------------------------------------------------------------- list */

typedef struct node {
    struct node *next;
    int16_t value;
    uint16_t index;
} node;

static node pool[LIST_NODES];

static node *list_build(bench_rng *rng)
{
    node *head = NULL;
    for (int i = LIST_NODES - 1; i >= 0; i--) {
        pool[i].value = (int16_t)(bench_rng_next32(rng) & 0x7fff);
        pool[i].index = (uint16_t)i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static node *list_reverse(node *head)
{
    node *prev = NULL;
    while (head) {
        node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

/* Position of the first node with the given value, or -1. */
static int list_find(const node *head, int16_t value)
{
    for (int pos = 0; head; head = head->next, pos++)
        if (head->value == value)
            return pos;
    return -1;
}

static int cmp_value(const node *a, const node *b)
{
    return a->value != b->value ? a->value - b->value : a->index - b->index;
}

static int cmp_index(const node *a, const node *b)
{
    return a->index - b->index;
}

/* Bottom-up merge sort of a linked list (no recursion, no extra memory). */
static node *list_sort(node *head, int (*cmp)(const node *, const node *))
{
    for (int width = 1;; width *= 2) {
        node *p = head, *tail = NULL;
        int merges = 0;
        head = NULL;
        while (p) {
            merges++;
            node *q = p;
            int psize = 0;
            for (int i = 0; i < width && q; i++) {
                psize++;
                q = q->next;
            }
            int qsize = width;
            while (psize > 0 || (qsize > 0 && q)) {
                node *e;
                if (psize == 0) {
                    e = q; q = q->next; qsize--;
                } else if (qsize == 0 || !q) {
                    e = p; p = p->next; psize--;
                } else if (cmp(p, q) <= 0) {
                    e = p; p = p->next; psize--;
                } else {
                    e = q; q = q->next; qsize--;
                }
                if (tail)
                    tail->next = e;
                else
                    head = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1)
            return head;
    }
}

BENCH_NOINLINE static uint16_t bench_list(bench_rng *rng, uint16_t crc, uint32_t *found_total)
{
    node *head = list_build(rng);
    uint32_t found = 0;
    for (int i = 0; i < 16; i++) {
        /* Look for values that are sometimes present. */
        int16_t target = (i & 1) ? pool[(i * 37) % LIST_NODES].value
                                 : (int16_t)(bench_rng_next32(rng) & 0x7fff);
        int pos = list_find(head, target);
        if (pos >= 0)
            found += (uint32_t)pos + 1;
        head = list_reverse(head);
    }
    head = list_sort(head, cmp_value);
    for (const node *n = head; n; n = n->next)
        crc = crc16_u16((uint16_t)n->value, crc);
    head = list_sort(head, cmp_index);
    uint16_t expect = 0;
    for (const node *n = head; n; n = n->next, expect++)
        if (n->index != expect)
            crc ^= 0x5555;  /* ordering bug: poisons the checksum */
    *found_total += found;
    return crc16_u32(found, crc);
}

/* ------------------------------------------------------------- matrix */

static int16_t ma[MAT_N * MAT_N], mb[MAT_N * MAT_N];
static int32_t mc[MAT_N * MAT_N];
static int16_t vec[MAT_N];
static int32_t vout[MAT_N];

BENCH_NOINLINE static uint16_t bench_matrix(bench_rng *rng, uint16_t crc)
{
    for (int i = 0; i < MAT_N * MAT_N; i++) {
        ma[i] = (int16_t)((int32_t)bench_rng_below(rng, 512) - 256);
        mb[i] = (int16_t)((int32_t)bench_rng_below(rng, 512) - 256);
    }
    for (int i = 0; i < MAT_N; i++)
        vec[i] = (int16_t)((int32_t)bench_rng_below(rng, 64) - 32);

    int16_t k = (int16_t)(bench_rng_below(rng, 16) + 1);
    for (int i = 0; i < MAT_N * MAT_N; i++)
        ma[i] = (int16_t)(ma[i] + k);

    /* matrix * vector */
    for (int i = 0; i < MAT_N; i++) {
        int32_t s = 0;
        for (int j = 0; j < MAT_N; j++)
            s += (int32_t)ma[i * MAT_N + j] * vec[j];
        vout[i] = s;
    }
    /* matrix * matrix */
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int32_t s = 0;
            for (int t = 0; t < MAT_N; t++)
                s += (int32_t)ma[i * MAT_N + t] * mb[t * MAT_N + j];
            mc[i * MAT_N + j] = s;
        }
    /* Extract bit fields from the products and fold them in. */
    uint32_t acc = 0;
    for (int i = 0; i < MAT_N * MAT_N; i++) {
        uint32_t v = (uint32_t)mc[i];
        acc += ((v >> 3) & 0x3f) * ((v >> 11) & 0x1f);
        if (i % MAT_N == 0)
            crc = crc16_u32(v, crc);
    }
    for (int i = 0; i < MAT_N; i++)
        acc ^= (uint32_t)vout[i] << (i & 7);
    return crc16_u32(acc, crc);
}

/* -------------------------------------------------------- state machine */

enum token_state { S_START, S_SIGN, S_INT, S_POINT, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_INT, S_INVALID };
enum { K_INT, K_DECIMAL, K_EXPONENT, K_INVALID, K_COUNT };

static char text[STATE_LEN + 1];

/* Fill text with comma-separated tokens, some well formed, some not. */
static void make_text(bench_rng *rng)
{
    static const char pieces[][8] = {"5012", "1.23", "-874", "+122", "1.2e5", "-3.0E-2",
                                     "7.", "x1", "+e3", "0", "99.5.1", "42e"};
    uint32_t n = 0;
    while (n + 9 < STATE_LEN) {
        const char *p = pieces[bench_rng_below(rng, sizeof pieces / sizeof pieces[0])];
        uint32_t len = (uint32_t)strlen(p);
        memcpy(text + n, p, len);
        n += len;
        text[n++] = ',';
    }
    text[n] = '\0';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static enum token_state step(enum token_state s, char c)
{
    switch (s) {
    case S_START:
        if (is_digit(c)) return S_INT;
        if (c == '+' || c == '-') return S_SIGN;
        if (c == '.') return S_POINT;
        return S_INVALID;
    case S_SIGN:
        if (is_digit(c)) return S_INT;
        if (c == '.') return S_POINT;
        return S_INVALID;
    case S_INT:
        if (is_digit(c)) return S_INT;
        if (c == '.') return S_POINT;
        if (c == 'e' || c == 'E') return S_EXP;
        return S_INVALID;
    case S_POINT:
        if (is_digit(c)) return S_FRAC;
        return S_INVALID;
    case S_FRAC:
        if (is_digit(c)) return S_FRAC;
        if (c == 'e' || c == 'E') return S_EXP;
        return S_INVALID;
    case S_EXP:
        if (is_digit(c)) return S_EXP_INT;
        if (c == '+' || c == '-') return S_EXP_SIGN;
        return S_INVALID;
    case S_EXP_SIGN:
        if (is_digit(c)) return S_EXP_INT;
        return S_INVALID;
    case S_EXP_INT:
        if (is_digit(c)) return S_EXP_INT;
        return S_INVALID;
    default:
        return S_INVALID;
    }
}

static int classify(enum token_state s)
{
    switch (s) {
    case S_INT: return K_INT;
    case S_FRAC: return K_DECIMAL;
    case S_EXP_INT: return K_EXPONENT;
    default: return K_INVALID;
    }
}

BENCH_NOINLINE static uint16_t bench_state(bench_rng *rng, uint16_t crc, uint32_t counts[K_COUNT])
{
    make_text(rng);
    uint32_t transitions = 0;
    enum token_state s = S_START;
    for (const char *p = text; *p; p++) {
        if (*p == ',') {
            counts[classify(s)]++;
            s = S_START;
            continue;
        }
        enum token_state next = step(s, *p);
        transitions += next != s;
        s = next;
    }
    /* Corrupt a few characters and scan again, as CoreMark does. */
    for (int i = 0; i < 8; i++) {
        uint32_t at = bench_rng_below(rng, STATE_LEN - 1);
        if (text[at] != ',' && text[at] != '\0')
            text[at] = (char)('!' + (text[at] & 0x1f));
    }
    s = S_START;
    for (const char *p = text; *p; p++) {
        if (*p == ',') {
            counts[classify(s)]++;
            s = S_START;
        } else {
            s = step(s, *p);
        }
    }
    return crc16_u32(transitions, crc);
}

/* --------------------------------------------------------------- main */

int main(void)
{
    bench_rng rng;
    bench_rng_seed(&rng, 0x66);
    uint16_t crc = 0;
    uint32_t found = 0;
    uint32_t counts[K_COUNT] = {0};

    for (int it = 0; it < ITERATIONS; it++) {
        crc = bench_list(&rng, crc, &found);
        crc = bench_matrix(&rng, crc);
        crc = bench_state(&rng, crc, counts);
    }

    uint64_t acc = crc;
    acc = bench_mix(acc, found);
    for (int i = 0; i < K_COUNT; i++)
        acc = bench_mix(acc, counts[i]);
    bench_report("coremark_like", acc);
    return 0;
}
