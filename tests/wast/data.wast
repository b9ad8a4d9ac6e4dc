;; Data segments: active segments (constant and imported-global offsets, overlap order, empty segments at the end), passive segments untouched at instantiation, out-of-bounds segments make instantiation fail while earlier writes persist.

(module
  (import "spectest" "global_i32" (global $off i32))
  (memory 1)
  (data (i32.const 0) "abcd")
  (data (i32.const 2) "XY")                 ;; applied after, overwrites "cd"
  (data (global.get $off) "\10\20")          ;; at 666
  (data (i32.const 65532) "wxyz")            ;; ends exactly at the memory end
  (data (i32.const 65536) "")                ;; empty segment at the very end is allowed
  (data (i32.const 100) "")
  (data "passive bytes are not copied")
  (data (memory 0) (offset (i32.const 200)) "\01" "\02" "\03")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
)

(assert_return (invoke "load8" (i32.const 0)) (i32.const 0x61))
(assert_return (invoke "load8" (i32.const 1)) (i32.const 0x62))
(assert_return (invoke "load8" (i32.const 2)) (i32.const 0x58))
(assert_return (invoke "load8" (i32.const 3)) (i32.const 0x59))
(assert_return (invoke "load8" (i32.const 4)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 666)) (i32.const 0x10))
(assert_return (invoke "load8" (i32.const 667)) (i32.const 0x20))
(assert_return (invoke "load32" (i32.const 65532)) (i32.const 0x7a797877))
(assert_return (invoke "load32" (i32.const 200)) (i32.const 0x030201))
(assert_return (invoke "load32" (i32.const 300)) (i32.const 0))

;; memory with zero pages accepts empty segments at offset 0
(module
  (memory 0)
  (data (i32.const 0) "")
  (func (export "size") (result i32) (memory.size))
)
(assert_return (invoke "size") (i32.const 0))

;; segments beyond the memory make instantiation fail
(assert_trap
  (module (memory 1) (data (i32.const 65536) "a"))
  "out of bounds memory access")
(assert_trap
  (module (memory 1) (data (i32.const 65533) "abcd"))
  "out of bounds memory access")
(assert_trap
  (module (memory 0) (data (i32.const 0) "x"))
  "out of bounds memory access")
(assert_trap
  (module (memory 1) (data (i32.const 65537) ""))
  "out of bounds memory access")
(assert_trap
  (module (memory 1) (data (i32.const -1) "a"))
  "out of bounds memory access")
(assert_trap
  (module (memory 2) (data (i32.const 0x1ffff) "ab"))
  "out of bounds memory access")

;; segments are applied in order: those before the failing one stay written in a shared memory
(module $M
  (memory (export "mem") 1)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
)
(register "M" $M)
(assert_trap
  (module
    (import "M" "mem" (memory 1))
    (data (i32.const 10) "\aa")
    (data (i32.const 65536) "\bb")
    (data (i32.const 11) "\cc"))
  "out of bounds memory access")
(assert_return (invoke $M "load8" (i32.const 10)) (i32.const 0xaa))
(assert_return (invoke $M "load8" (i32.const 11)) (i32.const 0))

;; the start function runs after data segments are applied
(module
  (memory 1)
  (global $seen (mut i32) (i32.const 0))
  (data (i32.const 8) "\2a")
  (func $start (global.set $seen (i32.load8_u (i32.const 8))))
  (start $start)
  (func (export "seen") (result i32) (global.get $seen))
)
(assert_return (invoke "seen") (i32.const 42))
