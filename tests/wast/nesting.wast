;; Deep nesting and tall operand stacks: 100-deep nested expression, 64 nested blocks left via br_table at every depth, 60 values live on the stack at once, 32 nested loops and ifs.

(module
  (func (export "deep-expr") (result i32)
    (i32.add (i32.const 100) (i32.add (i32.const 99) (i32.add (i32.const 98) (i32.add (i32.const 97) (i32.add
    (i32.const 96) (i32.add (i32.const 95) (i32.add (i32.const 94) (i32.add (i32.const 93) (i32.add (i32.const
    92) (i32.add (i32.const 91) (i32.add (i32.const 90) (i32.add (i32.const 89) (i32.add (i32.const 88)
    (i32.add (i32.const 87) (i32.add (i32.const 86) (i32.add (i32.const 85) (i32.add (i32.const 84) (i32.add
    (i32.const 83) (i32.add (i32.const 82) (i32.add (i32.const 81) (i32.add (i32.const 80) (i32.add (i32.const
    79) (i32.add (i32.const 78) (i32.add (i32.const 77) (i32.add (i32.const 76) (i32.add (i32.const 75)
    (i32.add (i32.const 74) (i32.add (i32.const 73) (i32.add (i32.const 72) (i32.add (i32.const 71) (i32.add
    (i32.const 70) (i32.add (i32.const 69) (i32.add (i32.const 68) (i32.add (i32.const 67) (i32.add (i32.const
    66) (i32.add (i32.const 65) (i32.add (i32.const 64) (i32.add (i32.const 63) (i32.add (i32.const 62)
    (i32.add (i32.const 61) (i32.add (i32.const 60) (i32.add (i32.const 59) (i32.add (i32.const 58) (i32.add
    (i32.const 57) (i32.add (i32.const 56) (i32.add (i32.const 55) (i32.add (i32.const 54) (i32.add (i32.const
    53) (i32.add (i32.const 52) (i32.add (i32.const 51) (i32.add (i32.const 50) (i32.add (i32.const 49)
    (i32.add (i32.const 48) (i32.add (i32.const 47) (i32.add (i32.const 46) (i32.add (i32.const 45) (i32.add
    (i32.const 44) (i32.add (i32.const 43) (i32.add (i32.const 42) (i32.add (i32.const 41) (i32.add (i32.const
    40) (i32.add (i32.const 39) (i32.add (i32.const 38) (i32.add (i32.const 37) (i32.add (i32.const 36)
    (i32.add (i32.const 35) (i32.add (i32.const 34) (i32.add (i32.const 33) (i32.add (i32.const 32) (i32.add
    (i32.const 31) (i32.add (i32.const 30) (i32.add (i32.const 29) (i32.add (i32.const 28) (i32.add (i32.const
    27) (i32.add (i32.const 26) (i32.add (i32.const 25) (i32.add (i32.const 24) (i32.add (i32.const 23)
    (i32.add (i32.const 22) (i32.add (i32.const 21) (i32.add (i32.const 20) (i32.add (i32.const 19) (i32.add
    (i32.const 18) (i32.add (i32.const 17) (i32.add (i32.const 16) (i32.add (i32.const 15) (i32.add (i32.const
    14) (i32.add (i32.const 13) (i32.add (i32.const 12) (i32.add (i32.const 11) (i32.add (i32.const 10)
    (i32.add (i32.const 9) (i32.add (i32.const 8) (i32.add (i32.const 7) (i32.add (i32.const 6) (i32.add
    (i32.const 5) (i32.add (i32.const 4) (i32.add (i32.const 3) (i32.add (i32.const 2) (i32.add (i32.const 1)
    (i32.const
    0))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
  ;; entry i of the br_table leaves i blocks early; each remaining block adds 1
  (func (export "deep-blocks") (param i32) (result i32)
    (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (block (result i32) (block
    (result i32) (block (result i32) (block (result i32) (block (result i32) (br_table 0 1 2 3 4 5 6 7 8 9 10
    11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45
    46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 (i32.const 1000) (local.get 0))) (i32.add (i32.const
    1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1))) (i32.add (i32.const 1)))
    (i32.add (i32.const 1))) (i32.add (i32.const 1))))
  (func (export "tall-stack") (result i64)
    (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6) (i64.const 7)
    (i64.const 8) (i64.const 9) (i64.const 10) (i64.const 11) (i64.const 12) (i64.const 13) (i64.const 14)
    (i64.const 15) (i64.const 16) (i64.const 17) (i64.const 18) (i64.const 19) (i64.const 20) (i64.const 21)
    (i64.const 22) (i64.const 23) (i64.const 24) (i64.const 25) (i64.const 26) (i64.const 27) (i64.const 28)
    (i64.const 29) (i64.const 30) (i64.const 31) (i64.const 32) (i64.const 33) (i64.const 34) (i64.const 35)
    (i64.const 36) (i64.const 37) (i64.const 38) (i64.const 39) (i64.const 40) (i64.const 41) (i64.const 42)
    (i64.const 43) (i64.const 44) (i64.const 45) (i64.const 46) (i64.const 47) (i64.const 48) (i64.const 49)
    (i64.const 50) (i64.const 51) (i64.const 52) (i64.const 53) (i64.const 54) (i64.const 55) (i64.const 56)
    (i64.const 57) (i64.const 58) (i64.const 59) (i64.const 60)
    (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add)
    (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add)
    (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add)
    (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add)
    (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add)
    (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add))
  (func (export "deep-loops") (param i32) (result i32)
    (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop
    (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result
    i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop
    (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result
    i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop
    (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (loop (result i32) (local.get
    0))))))))))))))))))))))))))))))))))
  (func (export "deep-ifs") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0)
    (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32)
    (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result
    i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if
    (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then
    (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0)
    (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32)
    (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result
    i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if
    (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then
    (if (result i32) (local.get 0) (then (if (result i32) (local.get 0) (then (if (result i32) (local.get 0)
    (then (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 0)))) (else (i32.const 0))))
    (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else
    (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const
    0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else
    (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const
    0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else
    (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const
    0)))) (else (i32.const 0)))) (else (i32.const 0)))) (else (i32.const 0))))
)

(assert_return (invoke "deep-expr") (i32.const 5050))
(assert_return (invoke "deep-blocks" (i32.const 0)) (i32.const 1063))
(assert_return (invoke "deep-blocks" (i32.const 1)) (i32.const 1062))
(assert_return (invoke "deep-blocks" (i32.const 10)) (i32.const 1053))
(assert_return (invoke "deep-blocks" (i32.const 62)) (i32.const 1001))
(assert_return (invoke "deep-blocks" (i32.const 63)) (i32.const 1000))
(assert_return (invoke "deep-blocks" (i32.const 64)) (i32.const 1000))
(assert_return (invoke "deep-blocks" (i32.const -1)) (i32.const 1000))
(assert_return (invoke "tall-stack") (i64.const 1830))
(assert_return (invoke "deep-loops" (i32.const 77)) (i32.const 77))
(assert_return (invoke "deep-ifs" (i32.const 1)) (i32.const 1))
(assert_return (invoke "deep-ifs" (i32.const 0)) (i32.const 0))
