;; Innermost loops with a constant trip bound: the LLVM tier drops their epoch
;; check and versions them on "no address sum wraps" (loop_passes.h),
;; so that they vectorize. These pin the semantics of both copies against
;; the interpreter: the checked copy (ordinary addresses), the fallback
;; (sums that wrap past 2^32, which wasm defines), overlapping arrays (the
;; vectorizer's run-time alias check must fail over to scalar code), and
;; traps at the right access.
(module
  (memory 1)

  ;; c[j] += a * b[j] for 96 i64 elements, three per iteration the way
  ;; clang unrolls it: x, x + 8, x + 16 with x = c + j as an i32 sum.
  (func $axpy3 (export "axpy3") (param $c i32) (param $b i32) (param $a i64)
    (local $j i32) (local $x i32) (local $y i32)
    (loop $l
      (local.set $x (i32.add (local.get $c) (local.get $j)))
      (local.set $y (i32.add (local.get $b) (local.get $j)))
      (i64.store (local.get $x)
        (i64.add (i64.load (local.get $x)) (i64.mul (local.get $a) (i64.load (local.get $y)))))
      (i64.store (i32.add (local.get $x) (i32.const 8))
        (i64.add (i64.load (i32.add (local.get $x) (i32.const 8)))
                 (i64.mul (local.get $a) (i64.load (i32.add (local.get $y) (i32.const 8))))))
      (i64.store (i32.add (local.get $x) (i32.const 16))
        (i64.add (i64.load (i32.add (local.get $x) (i32.const 16)))
                 (i64.mul (local.get $a) (i64.load (i32.add (local.get $y) (i32.const 16))))))
      (local.set $j (i32.add (local.get $j) (i32.const 24)))
      (br_if $l (i32.ne (local.get $j) (i32.const 768)))))

  ;; m[x + 24] += m[x + 32], x = c + j, j = 0, 16, ..., 752: with c = -24 the
  ;; sums wrap to the bottom of memory, which is where the accesses belong.
  (func $shifted (export "shifted") (param $c i32)
    (local $j i32) (local $x i32)
    (loop $l
      (local.set $x (i32.add (local.get $c) (local.get $j)))
      (i64.store (i32.add (local.get $x) (i32.const 24))
        (i64.add (i64.load (i32.add (local.get $x) (i32.const 24)))
                 (i64.load (i32.add (local.get $x) (i32.const 32)))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $l (i32.ne (local.get $j) (i32.const 768)))))

  ;; m[c + j - 8] += 1 for j = 0, 8, ..., 1592: c = 0 wraps below zero.
  (func $below (export "below") (param $c i32)
    (local $j i32)
    (loop $l
      (i64.store (i32.sub (i32.add (local.get $c) (local.get $j)) (i32.const 8))
        (i64.add (i64.load (i32.sub (i32.add (local.get $c) (local.get $j)) (i32.const 8)))
                 (i64.const 1)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br_if $l (i32.ne (local.get $j) (i32.const 1600)))))

  ;; m[base + 8i] = first + step * i for i < n (n is not a constant).
  (func $fill (export "fill") (param $base i32) (param $n i32) (param $first i64) (param $step i64)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i64.store (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 3)))
          (i64.add (local.get $first) (i64.mul (local.get $step) (i64.extend_i32_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  ;; The weighted sum of m[base + 8i] * (i + 1) for i < n, so that a value in
  ;; the wrong place changes the result.
  (func $checksum (export "checksum") (param $base i32) (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum)
          (i64.mul (i64.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 3))))
                   (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))

  ;; x = c + j starts 16 bytes below 2^32: the first access is out of bounds.
  (func (export "top_of_memory") (call $axpy3 (i32.const -16) (i32.const 0) (i64.const 1)))
)
;; The loops are exported and called with run-time arguments, so that the
;; compiled code has to pick one of its two copies when it runs.
(invoke "fill" (i32.const 0) (i32.const 96) (i64.const 0) (i64.const 1))
(invoke "fill" (i32.const 1024) (i32.const 96) (i64.const 1000) (i64.const 1))
(invoke "axpy3" (i32.const 0) (i32.const 1024) (i64.const 2))
(assert_return (invoke "checksum" (i32.const 0) (i32.const 96)) (i64.const 10196640))

;; c = b + 8: each element adds the one just updated (a running sum).
(invoke "fill" (i32.const 2048) (i32.const 97) (i64.const 1) (i64.const 0))
(invoke "axpy3" (i32.const 2056) (i32.const 2048) (i64.const 1))
(assert_return (invoke "checksum" (i32.const 2048) (i32.const 97)) (i64.const 308945))

;; c = b - 8: each element reads the next one before it is updated.
(invoke "fill" (i32.const 4096) (i32.const 97) (i64.const 1) (i64.const 1))
(invoke "axpy3" (i32.const 4096) (i32.const 4104) (i64.const 1))
(assert_return (invoke "checksum" (i32.const 4096) (i32.const 97)) (i64.const 613137))

;; The checked copy (c = 9000) and the wrapping fallback (c = -24) do the
;; same to the memory they reach.
(invoke "fill" (i32.const 9024) (i32.const 100) (i64.const 0) (i64.const 1))
(invoke "shifted" (i32.const 9000))
(assert_return (invoke "checksum" (i32.const 9024) (i32.const 100)) (i64.const 480740))
(invoke "fill" (i32.const 0) (i32.const 100) (i64.const 0) (i64.const 1))
(invoke "shifted" (i32.const -24))
(assert_return (invoke "checksum" (i32.const 0) (i32.const 100)) (i64.const 480740))

(invoke "fill" (i32.const 8) (i32.const 200) (i64.const 5) (i64.const 0))
(invoke "below" (i32.const 16))
(assert_return (invoke "checksum" (i32.const 8) (i32.const 200)) (i64.const 120600))
(assert_trap (invoke "below" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "top_of_memory") "out of bounds memory access")
(assert_trap (invoke "axpy3" (i32.const 65000) (i32.const 0) (i64.const 1)) "out of bounds memory access")
