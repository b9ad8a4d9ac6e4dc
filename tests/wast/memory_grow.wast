;; memory.size / memory.grow: old size returned, -1 on failure (beyond max or beyond 65536 pages), size unchanged on failure, new pages zeroed and accessible, zero-page memories.

(module
  (memory 1 4)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "load-last") (result i64) (i64.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 8))))
)

(assert_return (invoke "size") (i32.const 1))
(assert_return (invoke "store8" (i32.const 65535) (i32.const 0x5a)))
(assert_trap (invoke "load8" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 0)) (i32.const 1))
(assert_return (invoke "size") (i32.const 1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "size") (i32.const 2))
(assert_return (invoke "load8" (i32.const 65536)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0x5a))
(assert_return (invoke "load-last") (i64.const 0))
(assert_trap (invoke "load8" (i32.const 131072)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 3)) (i32.const -1))
(assert_return (invoke "size") (i32.const 2))
(assert_return (invoke "grow" (i32.const 2)) (i32.const 2))
(assert_return (invoke "size") (i32.const 4))
(assert_return (invoke "load8" (i32.const 262143)) (i32.const 0))
(assert_trap (invoke "load8" (i32.const 262144)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0x10000)) (i32.const -1))
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0)) (i32.const 4))
(assert_return (invoke "size") (i32.const 4))

;; no maximum: bounded only by the 65536-page (4GiB) limit
(module
  (memory 0)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
)

(assert_return (invoke "size") (i32.const 0))
(assert_trap (invoke "load" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 0)) (i32.const 0))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 0))
(assert_return (invoke "store" (i32.const 65532) (i32.const 0x12345678)))
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0x12345678))
(assert_return (invoke "grow" (i32.const 2)) (i32.const 1))
(assert_return (invoke "size") (i32.const 3))
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0x12345678))
(assert_return (invoke "load" (i32.const 196604)) (i32.const 0))
(assert_return (invoke "grow" (i32.const 0x10000)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0xfffe)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0x80000000)) (i32.const -1))
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "size") (i32.const 3))

;; min = max = 0
(module
  (memory 0 0)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
(assert_return (invoke "size") (i32.const 0))
(assert_return (invoke "grow" (i32.const 0)) (i32.const 0))
(assert_return (invoke "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke "size") (i32.const 0))

;; growing inside a loop, and memory.grow's result feeding other instructions
(module
  (memory 1 10)
  (func (export "grow-to") (param i32) (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (memory.size) (local.get 0)))
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    (memory.size))
  (func (export "grow-and-store") (result i32)
    ;; store at the first byte of the newly added page, addressed via the old size
    (i32.store8 (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)) (i32.const 0x77))
    (i32.load8_u (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536))))
)
(assert_return (invoke "grow-to" (i32.const 5)) (i32.const 5))
(assert_return (invoke "grow-to" (i32.const 3)) (i32.const 5))
(assert_return (invoke "grow-and-store") (i32.const 0x77))
(assert_return (invoke "grow-to" (i32.const 100)) (i32.const 10))
