#!/usr/bin/env python3
"""Generates the C sources of a large, deterministic WASI program.

    gen-large-module.py OUT_DIR [--units N] [--functions F] [--seed S] [--data-kib K]

writes OUT_DIR/large_common.h, OUT_DIR/large_main.c and
OUT_DIR/large_unit_<k>.c for k in 0..N-1, with F functions per unit.
With --data-kib K > 0 it also writes OUT_DIR/large_data.c: K KiB of
initialized, non-zero tables (active data segments in the module, as a real
program's constant tables and initialized globals are), which main folds
into the checksum so the linker keeps them; the instantiation benchmarks use
it.  Without it, the output is the same as before the option existed.  Built
with clang-14 for wasm32-wasi at -O2, the default settings give a module of a
few MB, which the engine benchmarks use to measure decoding and validation
throughput on code shaped like real compiler output.

The functions mix counted and conditional loops, dense switches (br_table),
32/64-bit integer and f32/f64 arithmetic, loads and stores of every width,
stack arrays, direct calls, indirect calls through a function-pointer table,
and five signatures.  Every function is reachable (main calls all of them
through tables), so the linker keeps them; functions live in separate
translation units and are not static, so clang does not inline them away.

The program is also a well-behaved WASI command: it runs in well under a
second and prints one line, "large checksum=<16 hex digits>", the same on
every correct engine (no undefined behaviour: unsigned arithmetic, masked
indices and shift counts, divisors forced non-zero, doubles kept in range
before converting them to integers).

The output depends only on the arguments: the same seed gives the same files.
bench/CMakeLists.txt runs this at build time; nothing it writes is committed.
"""

import argparse
import os
import random
import sys

# Signature kinds.  Each has a C prototype, the statements that turn its
# parameters into the locals every body uses (a, b: uint32_t), the return
# statement, and how callers pass arguments and fold the result into `acc`.
KINDS = {
    "u32": {
        "proto": "uint32_t {name}(uint32_t a, uint32_t b)",
        "ptr": "uint32_t (*)(uint32_t, uint32_t)",
        "prologue": [],
        "ret": "return acc;",
    },
    "u64": {
        "proto": "uint64_t {name}(uint64_t w, uint32_t b)",
        "ptr": "uint64_t (*)(uint64_t, uint32_t)",
        "prologue": ["uint32_t a = (uint32_t)w ^ (uint32_t)(w >> 32);"],
        "ret": "return ((uint64_t)acc << 32) ^ (w * 0x9E3779B97F4A7C15ull) ^ b;",
    },
    "f64": {
        # x is in [0, 2^20): callers keep it there.
        "proto": "double {name}(double x, uint32_t b)",
        "ptr": "double (*)(double, uint32_t)",
        "prologue": ["uint32_t a = (uint32_t)x ^ (b << 7);"],
        "ret": "return (double)(acc & 0xfffffu) * 0.125;",
    },
    "out": {
        "proto": "void {name}(uint32_t *out, uint32_t a, uint32_t b)",
        "ptr": "void (*)(uint32_t *, uint32_t, uint32_t)",
        "prologue": [],
        "ret": "*out = acc;",
    },
    "mix": {
        # f in [0, 256), d in [0, 65536): callers keep them there.
        "proto": "uint32_t {name}(uint32_t a, uint64_t w, float f, double d, uint32_t b)",
        "ptr": "uint32_t (*)(uint32_t, uint64_t, float, double, uint32_t)",
        "prologue": [
            "a ^= (uint32_t)(w >> 17) + (uint32_t)f;",
            "b += (uint32_t)(d * 0.5);",
        ],
        "ret": "return acc ^ (uint32_t)w;",
    },
}
KIND_NAMES = list(KINDS)
KIND_WEIGHTS = [5, 2, 2, 1, 1]

SMALL_CONSTANTS = [c for c in range(1, 64) if c not in (2, 10)]
LEAF_TABLE_SIZE = 256  # power of two; indirect-call targets (u32 leaves)


def call_expr(kind, name, e1, e2):
    """A C expression calling `name` that yields a uint32_t."""
    if kind == "u32":
        return f"{name}({e1}, {e2})"
    if kind == "u64":
        return f"(uint32_t){name}(((uint64_t)({e1}) << 19) ^ ({e2}), {e2})"
    if kind == "f64":
        return f"(uint32_t){name}((double)(({e1}) & 0xfffffu), {e2})"
    if kind == "mix":
        return (f"{name}({e1}, (uint64_t)({e2}) * 0x100000001ull, (float)(({e1}) & 0xffu), "
                f"(double)(({e2}) & 0xffffu), {e2})")
    raise ValueError(kind)


class Gen:
    def __init__(self, rng, leaves_by_kind):
        self.rng = rng
        self.leaves = leaves_by_kind  # kind -> [names], callable from non-leaves
        self.vars = ["a", "b", "acc"]
        self.tmp = 0

    def fresh(self, prefix):
        self.tmp += 1
        return f"{prefix}{self.tmp}"

    def const(self):
        r = self.rng
        choice = r.random()
        if choice < 0.4:
            # Not 2 or 10: clang warns that `2 ^ 8` looks like a power.
            return f"{r.choice(SMALL_CONSTANTS)}u"
        if choice < 0.7:
            return f"{r.randrange(64, 65536)}u"
        return f"0x{r.getrandbits(32):08x}u"

    # ------------------------------------------------------- expressions
    def other(self, x, depth):
        """An expression that differs from x (clang warns on `x < x`)."""
        for _ in range(4):
            y = self.expr(depth)
            if y != x:
                return y
        return self.const() if not x.endswith("u") else f"({x} + 1u)"

    def expr(self, depth=0):
        """A uint32_t expression without side effects."""
        r = self.rng
        if depth >= 3 or r.random() < 0.25 + 0.2 * depth:
            if r.random() < 0.7:
                return r.choice(self.vars)
            return self.const()
        x = self.expr(depth + 1)
        y = self.other(x, depth + 1)
        k = r.randrange(1, 32)
        form = r.randrange(24)
        if form == 0: return f"({x} + {y})"
        if form == 1: return f"({x} - {y})"
        if form == 2: return f"({x} * {y})"
        if form == 3: return f"({x} ^ {y})"
        if form == 4: return f"({x} & {y})"
        if form == 5: return f"({x} | {y})"
        if form == 6: return f"ROTL32({x}, {k})"
        if form == 7: return f"({x} << {k})"
        if form == 8: return f"({x} >> {k})"
        if form == 9: return f"({x} / ({y} | 1u))"
        if form == 10: return f"({x} % (({y} & 0xffu) | 1u))"
        if form == 11: return f"(uint32_t)({x} < {y})"
        if form == 12: return f"({x} > {y} ? {x} : {self.expr(depth + 1)})"
        if form == 13: return f"(uint32_t)((int32_t){x} >> {k})"
        if form == 14: return f"(uint32_t)((int32_t){x} / (int32_t)(({y} & 0xffu) | 1u))"
        if form == 15: return f"(uint32_t)__builtin_clz({x} | 1u)"
        if form == 16: return f"(uint32_t)__builtin_popcount({x})"
        if form == 17: return f"g_words[({x}) & 4095u]"
        if form == 18: return f"(uint32_t)g_bytes[({x}) & 65535u]"
        if form == 19: return f"(uint32_t)(int32_t)(int8_t)g_bytes[({x}) & 65535u]"
        if form == 20: return f"(uint32_t)g_halves[({x}) & 2047u]"
        if form == 21: return f"(uint32_t)(int32_t)(int16_t)g_halves[({x}) & 2047u]"
        if form == 22: return f"(uint32_t)g_quads[({x}) & 1023u]"
        return f"(uint32_t)g_recs[({x}) & 255u].{r.choice(['k', 'h', 't'])}"

    # -------------------------------------------------------- statements
    def assign(self):
        op = self.rng.choice(["=", "^=", "+=", "-=", "|="])
        return [f"acc {op} {self.other('acc', 0)};"]

    def store(self):
        r = self.rng
        idx, val = self.expr(1), self.expr(1)
        form = r.randrange(7)
        if form == 0: return [f"g_words[({idx}) & 4095u] = {val};"]
        if form == 1: return [f"g_bytes[({idx}) & 65535u] = (uint8_t)({val});"]
        if form == 2: return [f"g_halves[({idx}) & 2047u] = (uint16_t)({val});"]
        if form == 3: return [f"g_quads[({idx}) & 1023u] = ((uint64_t)({val}) << 32) | {self.expr(1)};"]
        if form == 4: return [f"g_dbls[({idx}) & 511u] = (double)(({val}) & 0xffffu) * 0.5;"]
        if form == 5:
            field = r.choice(["k", "h", "t"])
            cast = {"k": "", "h": "(uint16_t)", "t": "(uint8_t)"}[field]
            return [f"g_recs[({idx}) & 255u].{field} = {cast}({val});"]
        return [f"g_recs[({idx}) & 255u].v += (uint64_t)({val});"]

    def u64_block(self):
        r = self.rng
        w = self.fresh("w")
        lines = [f"uint64_t {w} = ((uint64_t)({self.expr(1)}) << 32) | {self.expr(1)};"]
        for _ in range(r.randrange(1, 4)):
            form = r.randrange(6)
            if form == 0: lines.append(f"{w} = {w} * 0x{r.getrandbits(64) | 1:016x}ull + {self.expr(1)};")
            elif form == 1: lines.append(f"{w} ^= {w} >> {r.randrange(1, 64)};")
            elif form == 2: lines.append(f"{w} = ({w} << {r.randrange(1, 64)}) | ({w} >> {r.randrange(1, 64)});")
            elif form == 3: lines.append(f"{w} = {w} / (((uint64_t){self.expr(1)} << 3) | 1u);")
            elif form == 4: lines.append(f"{w} += g_quads[({self.expr(1)}) & 1023u];")
            else: lines.append(f"{w} = (int64_t){w} < 0 ? ~{w} : {w} + {self.const()};")
        lines.append(f"acc ^= (uint32_t){w} ^ (uint32_t)({w} >> 32);")
        return ["{"] + ["  " + l for l in lines] + ["}"]

    def f64_block(self):
        r = self.rng
        d = self.fresh("d")
        # Every step keeps d in [0, 2^18), so converting it back is defined.
        lines = [f"double {d} = (double)(({self.expr(1)}) & 0xffffu) * {r.choice(['0.5', '0.25', '1.5', '0.75'])};"]
        for _ in range(r.randrange(1, 5)):
            form = r.randrange(8)
            if form == 0: lines.append(f"{d} = __builtin_sqrt({d} + 1.0) * {r.randrange(2, 9)}.0;")
            elif form == 1: lines.append(f"{d} = __builtin_floor({d} * 0.5) + (double)(({self.expr(1)}) & 0xffu);")
            elif form == 2: lines.append(f"{d} = {d} > {r.randrange(100, 60000)}.0 ? {d} - 64.0 : {d} + 0.5;")
            elif form == 3: lines.append(f"{d} = __builtin_fabs({d} - {r.randrange(1, 60000)}.0);")
            elif form == 4: lines.append(f"{d} = __builtin_trunc({d} * 0.75) + g_dbls[({self.expr(1)}) & 511u] * 0.5;")
            elif form == 5: lines.append(f"{d} = __builtin_ceil({d} / {r.randrange(2, 17)}.0);")
            elif form == 6:
                lines.append(f"{{ float s{d} = (float)({d} * 0.125f); s{d} = __builtin_sqrtf(s{d}) + (float)(acc & 0xffu); {d} = (double)s{d}; }}")
            else: lines.append(f"{d} = __builtin_fabs(__builtin_copysign({d}, -1.0) + 65536.0);")
        lines.append(f"acc += (uint32_t){d};")
        return ["{"] + ["  " + l for l in lines] + ["}"]

    def stack_array(self):
        r = self.rng
        arr, j = self.fresh("tmp"), self.fresh("j")
        n = r.choice([4, 8, 16])
        lines = [
            f"uint32_t {arr}[{n}];",
            f"for (uint32_t {j} = 0; {j} < {n}u; ++{j}) {arr}[{j}] = {j} * {self.const()} ^ acc;",
            f"acc ^= {arr}[({self.expr(1)}) & {n - 1}u] + {arr}[acc & {n - 1}u];",
        ]
        return ["{"] + ["  " + l for l in lines] + ["}"]

    def call(self):
        r = self.rng
        kind = r.choices(KIND_NAMES, KIND_WEIGHTS)[0]
        name = r.choice(self.leaves[kind])
        if kind == "out":
            o = self.fresh("o")
            return ["{", f"  uint32_t {o} = 0;", f"  {name}(&{o}, {self.expr(1)}, {self.expr(1)});",
                    f"  acc ^= {o};", "}"]
        return [f"acc {r.choice(['^=', '+='])} {call_expr(kind, name, self.expr(1), self.expr(1))};"]

    def call_indirect(self):
        return [f"acc ^= g_leaf_table[({self.expr(1)}) & {LEAF_TABLE_SIZE - 1}u](acc, {self.expr(1)});"]

    def for_loop(self, depth, calls):
        r = self.rng
        i = self.fresh("i")
        bound = f"(({self.expr(1)}) & 7u) + {r.randrange(1, 9)}u"
        self.vars.append(i)
        body = self.block(depth + 1, r.randrange(1, 4), calls=False)
        self.vars.pop()
        return [f"for (uint32_t {i} = 0; {i} < {bound}; ++{i}) {{"] + indent(body) + ["}"]

    def while_loop(self, depth, calls):
        r = self.rng
        n = self.fresh("n")
        step = r.choice([f"{n} >>= 1;", f"{n} -= 1u;", f"{n} = {n} > 3u ? {n} - 3u : 0u;"])
        body = self.block(depth + 1, r.randrange(1, 3), calls=False)
        cond = f"if (((acc ^ {self.const()}) & {self.const()}) == 0u) break;"
        return (["{", f"  uint32_t {n} = (({self.expr(1)}) & 31u) + 1u;", f"  while ({n} != 0u) {{"]
                + indent(indent(body)) + [f"    {cond}", f"    {step}", "  }", "}"])

    def switch(self, depth, calls):
        r = self.rng
        cases = r.choice([4, 6, 8, 12, 16])
        lines = [f"switch (({self.expr(1)}) % {cases}u) {{"]
        for c in range(cases):
            if c > 0 and r.random() < 0.15:
                continue  # let the value fall to the default case
            lines.append(f"  case {c}u: {{")
            lines += indent(indent(self.block(depth + 1, r.randrange(1, 3), calls)))
            lines.append("    break;")
            lines.append("  }")
        lines.append("  default:")
        lines.append(f"    acc = ROTL32(acc, {r.randrange(1, 32)}) + {self.const()};")
        lines.append("    break;")
        lines.append("}")
        return lines

    def if_else(self, depth, calls):
        r = self.rng
        cond = r.choice([
            "({0}) < ({1})".format(x := self.expr(1), self.other(x, 1)),
            f"(({self.expr(1)}) & {self.const()}) != 0u",
            f"(int32_t)({self.expr(1)}) > {r.randrange(-1000, 1000)}",
        ])
        lines = [f"if ({cond}) {{"] + indent(self.block(depth + 1, r.randrange(1, 3), calls))
        if r.random() < 0.6:
            lines += ["} else {"] + indent(self.block(depth + 1, r.randrange(1, 3), calls))
        return lines + ["}"]

    def statement(self, depth, calls):
        r = self.rng
        options = [(self.assign, 6), (self.store, 3), (self.u64_block, 2), (self.f64_block, 2),
                   (self.stack_array, 1)]
        if calls:
            options += [(self.call, 3), (self.call_indirect, 1)]
        if depth < 2:
            options += [(lambda: self.for_loop(depth, calls), 3),
                        (lambda: self.while_loop(depth, calls), 1),
                        (lambda: self.switch(depth, calls), 2),
                        (lambda: self.if_else(depth, calls), 3)]
        fns, weights = zip(*options)
        return r.choices(fns, weights)[0]()

    def block(self, depth, count, calls):
        lines = []
        for _ in range(count):
            lines += self.statement(depth, calls)
        return lines

    def function(self, kind, name, is_leaf):
        r = self.rng
        self.tmp = 0
        spec = KINDS[kind]
        lines = [spec["proto"].format(name=name) + " {"]
        body = list(spec["prologue"])
        body.append(f"uint32_t acc = a ^ ROTL32(b, {r.randrange(1, 32)}) ^ {self.const()};")
        count = r.randrange(2, 5) if is_leaf else r.randrange(4, 10)
        body += self.block(0, count, calls=not is_leaf)
        body.append(spec["ret"])
        return lines + indent(body) + ["}", ""]


def indent(lines):
    return ["  " + l for l in lines]


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--functions", type=int, default=500, help="functions per unit")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--data-kib", type=int, default=0,
                        help="KiB of initialized data tables (large_data.c)")
    args = parser.parse_args()
    if args.units < 1 or args.functions < 8:
        sys.exit("gen-large-module: need --units >= 1 and --functions >= 8")
    os.makedirs(args.out_dir, exist_ok=True)

    rng = random.Random(args.seed)
    # Plan every function first: name, kind, whether it is a leaf (no calls,
    # so call chains stay one level deep and the program stays fast).
    plan = []  # per unit: [(name, kind, is_leaf)]
    for u in range(args.units):
        unit = []
        for f in range(args.functions):
            kind = rng.choices(KIND_NAMES, KIND_WEIGHTS)[0]
            is_leaf = f % 5 == 0
            unit.append((f"fn_{u}_{f}", kind, is_leaf))
        plan.append(unit)
    leaves = {k: [] for k in KIND_NAMES}
    for unit in plan:
        for name, kind, is_leaf in unit:
            if is_leaf:
                leaves[kind].append(name)
    for kind in KIND_NAMES:
        if not leaves[kind]:  # tiny configurations: make sure every kind has one
            for unit in plan:
                for i, (name, k, is_leaf) in enumerate(unit):
                    if not is_leaf and not leaves[kind]:
                        unit[i] = (name, kind, True)
                        leaves[kind].append(name)
    u32_leaves = leaves["u32"]
    leaf_table = [u32_leaves[i % len(u32_leaves)] for i in range(LEAF_TABLE_SIZE)]

    header = [
        "/* Generated by bench/gen-large-module.py; do not edit. */",
        "#pragma once",
        "#include <stdint.h>",
        "",
        "#define ROTL32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))",
        "",
        "struct rec { uint32_t k; uint16_t h; uint8_t t; uint64_t v; };",
        "extern uint8_t g_bytes[65536];",
        "extern uint16_t g_halves[2048];",
        "extern uint32_t g_words[4096];",
        "extern uint64_t g_quads[1024];",
        "extern double g_dbls[512];",
        "extern struct rec g_recs[256];",
        f"extern uint32_t (*const g_leaf_table[{LEAF_TABLE_SIZE}])(uint32_t, uint32_t);",
        "",
    ]
    for unit in plan:
        for name, kind, _ in unit:
            header.append(KINDS[kind]["proto"].format(name=name) + ";")
    write(os.path.join(args.out_dir, "large_common.h"), "\n".join(header) + "\n")

    for u, unit in enumerate(plan):
        gen = Gen(rng, leaves)
        lines = ["/* Generated by bench/gen-large-module.py; do not edit. */",
                 '#include "large_common.h"', ""]
        for name, kind, is_leaf in unit:
            lines += gen.function(kind, name, is_leaf)
        write(os.path.join(args.out_dir, f"large_unit_{u}.c"), "\n".join(lines))

    # main: globals, the tables, and a driver that calls every function once.
    m = ["/* Generated by bench/gen-large-module.py; do not edit. */",
         "#include <stdio.h>",
         '#include "large_common.h"',
         "",
         "uint8_t g_bytes[65536];",
         "uint16_t g_halves[2048];",
         "uint32_t g_words[4096];",
         "uint64_t g_quads[1024];",
         "double g_dbls[512];",
         "struct rec g_recs[256];",
         f"uint32_t (*const g_leaf_table[{LEAF_TABLE_SIZE}])(uint32_t, uint32_t) = {{"]
    m += [f"  {name}," for name in leaf_table]
    m += ["};", ""]
    by_kind = {k: [] for k in KIND_NAMES}
    for unit in plan:
        for name, kind, _ in unit:
            by_kind[kind].append(name)
    for kind in KIND_NAMES:
        ptr = KINDS[kind]["ptr"]
        decl = ptr.replace("(*)", f"(*const all_{kind}[])")
        m.append(f"static {decl} = {{")
        m += [f"  {name}," for name in by_kind[kind]] or ["  0,"]
        m += ["};", ""]
    m += [
        "static uint64_t mix(uint64_t h, uint64_t v) {",
        "  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);",
        "  return h * 0xff51afd7ed558ccdull;",
        "}",
        "",
        "int main(void) {",
        "  uint64_t h = 0x243F6A8885A308D3ull;",
        "  for (uint32_t i = 0; i < 65536u; ++i) g_bytes[i] = (uint8_t)(i * 167u + 13u);",
        "  for (uint32_t i = 0; i < 4096u; ++i) g_words[i] = i * 2654435761u;",
        "  for (uint32_t i = 0; i < 512u; ++i) g_dbls[i] = (double)i * 0.5;",
    ]
    for kind in KIND_NAMES:
        n = len(by_kind[kind])
        if n == 0:
            continue
        m.append(f"  for (uint32_t i = 0; i < {n}u; ++i) {{")
        m.append("    uint32_t a = (uint32_t)h, b = i * 40503u;")
        if kind == "out":
            m.append("    uint32_t r = 0;")
            m.append(f"    all_{kind}[i](&r, a, b);")
            m.append("    h = mix(h, r);")
        else:
            m.append(f"    h = mix(h, {call_expr(kind, f'all_{kind}[i]', 'a', 'b')});")
        m.append("  }")
    m += [
        "  for (uint32_t i = 0; i < 4096u; ++i) h = mix(h, g_words[i]);",
        "  for (uint32_t i = 0; i < 256u; ++i) h = mix(h, g_recs[i].v + g_recs[i].k);",
        '  printf("large checksum=%016llx\\n", (unsigned long long)h);',
        "  return 0;",
        "}",
        "",
    ]
    if args.data_kib > 0:
        # Declared and called only here, so that without data the main unit
        # and the module stay byte for byte what they were.
        call = "  h = mix(h, large_data_checksum());"
        at = m.index('  printf("large checksum=%016llx\\n", (unsigned long long)h);')
        m.insert(at, call)
        m.insert(m.index("static uint64_t mix(uint64_t h, uint64_t v) {"),
                 "uint64_t large_data_checksum(void);\n")
        write(os.path.join(args.out_dir, "large_data.c"), data_unit(args.data_kib, rng))
    write(os.path.join(args.out_dir, "large_main.c"), "\n".join(m))


def data_unit(kib, rng):
    """C source of `kib` KiB of non-zero constant tables in 1 KiB rows."""
    lines = ["/* Generated by bench/gen-large-module.py; do not edit. */",
             "#include <stdint.h>",
             "",
             f"const uint8_t g_data_tables[{kib}][1024] = {{"]
    for _ in range(kib):
        row = bytes(rng.randrange(1, 256) for _ in range(1024))
        # Every byte escaped: a 1024-byte literal fills the row exactly.
        lines.append('  "' + "".join(f"\\x{b:02x}" for b in row) + '",')
    lines += [
        "};",
        "",
        "uint64_t large_data_checksum(void) {",
        "  uint64_t h = 0;",
        f"  for (uint32_t i = 0; i < {kib}u; ++i)",
        "    for (uint32_t j = 0; j < 1024u; j += 61u) h = h * 31u + g_data_tables[i][j];",
        "  return h;",
        "}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
