;; br_table: dispatch, default for out-of-range/negative/huge indices, carried single and multiple values, backward branch to loop, large table, single-target tables.

(module
  (func (export "small") (param i32) (result i32)
    (block $default
      (block $c2
        (block $c1
          (block $c0
            (br_table $c0 $c1 $c2 $default (local.get 0)))
          (return (i32.const 10)))
        (return (i32.const 11)))
      (return (i32.const 12)))
    (i32.const 13))

  (func (export "only-default") (param i32) (result i32)
    (block (br_table 0 (local.get 0)) (return (i32.const 1)))
    (i32.const 2))

  (func (export "same-target") (param i32) (result i32)
    (block (result i32) (br_table 0 0 0 0 (i32.const 5) (local.get 0))))

  ;; the branched value comes out of whichever block is chosen, and is then adjusted
  (func (export "value") (param i32) (result i32)
    (block $b2 (result i32)
      (block $b1 (result i32)
        (block $b0 (result i32)
          (br_table $b0 $b1 $b2 (i32.const 100) (local.get 0)))
        (i32.add (i32.const 1)))
      (i32.add (i32.const 2))))

  (func (export "multi-value") (param i32) (result i32 i64)
    (block $b1 (result i32 i64)
      (block $b0 (result i32 i64)
        (br_table $b0 $b1 (i32.const 7) (i64.const 8) (local.get 0)))
      (drop) (drop) (i32.const 70) (i64.const 80)))

  ;; extra values under the branch arguments are discarded
  (func (export "surplus") (param i32) (result i32)
    (i32.const 1000)
    (block (result i32) (i32.const 1) (i32.const 2) (i32.const 3) (br_table 0 0 (local.get 0)))
    (i32.add))

  ;; br_table whose targets include a loop (backward branch, no values)
  (func (export "loop-count") (param i32) (result i32) (local $n i32)
    (block $exit
      (loop $again
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_table $exit $again (i32.gt_s (local.get 0) (i32.const 0)))))
    (local.get $n))

  ;; br_table nested inside another br_table target
  (func (export "nested") (param i32 i32) (result i32)
    (block $o1 (result i32)
      (block $o0 (result i32)
        (block $i1 (result i32)
          (block $i0 (result i32)
            (br_table $i0 $i1 (i32.const 1) (local.get 1)))
          (br_table $o0 $o1 (i32.add (i32.const 10)) (local.get 0)))
        (br_table $o0 $o1 (i32.add (i32.const 20)) (local.get 0)))
      (i32.add (i32.const 100))))

  (func (export "dead-code") (result i32)
    (block (result i32) (br 0 (i32.const 9)) (br_table 0 0 (i32.const 1) (i32.const 0))))

  ;; 260 entries: entry i targets block (i*7) mod 5, which returns 100 + that depth
  (func (export "large") (param i32) (result i32)
    (block $d
      (block $4
        (block $3
          (block $2
            (block $1
              (block $0
                (br_table
                  0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3
                  0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3
                  0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3
                  0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3
                  0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3
                  0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3
                  0 2 4 1 3 0 2 4 1 3 0 2 4 1 3 0 2 4 1 3
                  $d (local.get 0)))
              (return (i32.const 100)))
            (return (i32.const 101)))
          (return (i32.const 102)))
        (return (i32.const 103)))
      (return (i32.const 104)))
    (i32.const 999))
)

(assert_return (invoke "small" (i32.const 0)) (i32.const 10))
(assert_return (invoke "small" (i32.const 1)) (i32.const 11))
(assert_return (invoke "small" (i32.const 2)) (i32.const 12))
(assert_return (invoke "small" (i32.const 3)) (i32.const 13))
(assert_return (invoke "small" (i32.const 4)) (i32.const 13))
(assert_return (invoke "small" (i32.const -1)) (i32.const 13))
(assert_return (invoke "small" (i32.const 0x7fffffff)) (i32.const 13))
(assert_return (invoke "small" (i32.const 0x80000000)) (i32.const 13))
(assert_return (invoke "only-default" (i32.const 0)) (i32.const 2))
(assert_return (invoke "only-default" (i32.const 12345)) (i32.const 2))
(assert_return (invoke "same-target" (i32.const 0)) (i32.const 5))
(assert_return (invoke "same-target" (i32.const 3)) (i32.const 5))
(assert_return (invoke "same-target" (i32.const 99)) (i32.const 5))
(assert_return (invoke "value" (i32.const 0)) (i32.const 103))
(assert_return (invoke "value" (i32.const 1)) (i32.const 102))
(assert_return (invoke "value" (i32.const 2)) (i32.const 100))
(assert_return (invoke "value" (i32.const 3)) (i32.const 100))
(assert_return (invoke "multi-value" (i32.const 0)) (i32.const 70) (i64.const 80))
(assert_return (invoke "multi-value" (i32.const 1)) (i32.const 7) (i64.const 8))
(assert_return (invoke "multi-value" (i32.const 2)) (i32.const 7) (i64.const 8))
(assert_return (invoke "surplus" (i32.const 0)) (i32.const 1003))
(assert_return (invoke "surplus" (i32.const 5)) (i32.const 1003))
(assert_return (invoke "loop-count" (i32.const 1)) (i32.const 1))
(assert_return (invoke "loop-count" (i32.const 7)) (i32.const 7))
(assert_return (invoke "loop-count" (i32.const -5)) (i32.const 1))
(assert_return (invoke "nested" (i32.const 0) (i32.const 0)) (i32.const 111))
(assert_return (invoke "nested" (i32.const 1) (i32.const 0)) (i32.const 11))
(assert_return (invoke "nested" (i32.const 0) (i32.const 1)) (i32.const 121))
(assert_return (invoke "nested" (i32.const 1) (i32.const 1)) (i32.const 21))
(assert_return (invoke "nested" (i32.const 9) (i32.const 9)) (i32.const 21))
(assert_return (invoke "dead-code") (i32.const 9))
(assert_return (invoke "large" (i32.const 0)) (i32.const 100))
(assert_return (invoke "large" (i32.const 1)) (i32.const 102))
(assert_return (invoke "large" (i32.const 2)) (i32.const 104))
(assert_return (invoke "large" (i32.const 3)) (i32.const 101))
(assert_return (invoke "large" (i32.const 4)) (i32.const 103))
(assert_return (invoke "large" (i32.const 5)) (i32.const 100))
(assert_return (invoke "large" (i32.const 128)) (i32.const 101))
(assert_return (invoke "large" (i32.const 258)) (i32.const 101))
(assert_return (invoke "large" (i32.const 259)) (i32.const 103))
(assert_return (invoke "large" (i32.const 260)) (i32.const 999))
(assert_return (invoke "large" (i32.const 0x10000)) (i32.const 999))
(assert_return (invoke "large" (i32.const -1)) (i32.const 999))
