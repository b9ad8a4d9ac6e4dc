;; Extended constant expressions: i32/i64 add, sub, mul (wrapping) combined with global.get of imports, in global initializers, data offsets and elem offsets; invalid/out-of-bounds uses.

(module
  (import "spectest" "global_i32" (global $gi i32))
  (import "spectest" "global_i64" (global $gl i64))
  (memory 1)
  (table 20 funcref)
  (type $v->i (func (result i32)))

  (global $a i32 (i32.add (i32.const 1) (i32.const 2)))
  (global $b i32 (i32.sub (i32.const 0) (i32.const 1)))
  (global $c i32 (i32.mul (i32.const 0x10000) (i32.const 0x10000)))
  (global $d i32 (i32.add (global.get $gi) (i32.mul (i32.const 2) (i32.const 3))))
  (global $e i32 (i32.sub (i32.mul (global.get $gi) (global.get $gi)) (i32.const 0x80000000)))
  (global $f i64 (i64.add (i64.const 0x7fffffffffffffff) (i64.const 1)))
  (global $g i64 (i64.sub (global.get $gl) (i64.const 1000)))
  (global $h i64 (i64.mul (i64.const 0x100000000) (i64.const 0x100000001)))
  (global $i (mut i64) (i64.mul (i64.add (global.get $gl) (i64.const 1)) (i64.sub (i64.const 0) (i64.const 2))))

  (data (offset (i32.add (global.get $gi) (i32.const 10))) "\aa")
  (data (offset (i32.mul (i32.const 100) (i32.const 3))) "\bb\cc")
  (data (offset (i32.sub (i32.const 65536) (i32.const 1))) "\dd")

  (func $seven (result i32) (i32.const 7))
  (func $eight (result i32) (i32.const 8))
  (elem (offset (i32.sub (i32.const 10) (i32.const 3))) func $seven)
  (elem (offset (i32.add (i32.mul (i32.const 4) (i32.const 4)) (i32.const 1))) func $eight $seven)

  (func (export "a") (result i32) (global.get $a))
  (func (export "b") (result i32) (global.get $b))
  (func (export "c") (result i32) (global.get $c))
  (func (export "d") (result i32) (global.get $d))
  (func (export "e") (result i32) (global.get $e))
  (func (export "f") (result i64) (global.get $f))
  (func (export "g") (result i64) (global.get $g))
  (func (export "h") (result i64) (global.get $h))
  (func (export "i") (result i64) (global.get $i))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect (type $v->i) (local.get 0)))
)

(assert_return (invoke "a") (i32.const 3))
(assert_return (invoke "b") (i32.const -1))
(assert_return (invoke "c") (i32.const 0))
(assert_return (invoke "d") (i32.const 672))
(assert_return (invoke "e") (i32.const 0x8006c4a4))
(assert_return (invoke "f") (i64.const 0x8000000000000000))
(assert_return (invoke "g") (i64.const -334))
(assert_return (invoke "h") (i64.const 0x100000000))
(assert_return (invoke "i") (i64.const -1334))
(assert_return (invoke "load8" (i32.const 676)) (i32.const 0xaa))
(assert_return (invoke "load8" (i32.const 675)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 300)) (i32.const 0xbb))
(assert_return (invoke "load8" (i32.const 301)) (i32.const 0xcc))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0xdd))
(assert_return (invoke "call" (i32.const 7)) (i32.const 7))
(assert_return (invoke "call" (i32.const 17)) (i32.const 8))
(assert_return (invoke "call" (i32.const 18)) (i32.const 7))
(assert_trap (invoke "call" (i32.const 16)) "uninitialized element")

;; computed offsets are bounds-checked at instantiation
(assert_trap
  (module (memory 1) (data (offset (i32.mul (i32.const 0x4000) (i32.const 4))) "a"))
  "out of bounds memory access")
(assert_trap
  (module (memory 1) (data (offset (i32.sub (i32.const 0) (i32.const 1))) "a"))
  "out of bounds memory access")
(assert_trap
  (module (table 4 funcref) (func $f) (elem (offset (i32.add (i32.const 2) (i32.const 2))) func $f))
  "out of bounds table access")

;; only add/sub/mul are extended-constant instructions, and operand types are checked
(assert_invalid
  (module (global i32 (i32.div_s (i32.const 4) (i32.const 2))))
  "constant expression required")
(assert_invalid
  (module (global i64 (i64.shl (i64.const 1) (i64.const 2))))
  "constant expression required")
(assert_invalid
  (module (memory 1) (data (offset (i32.add (i32.const 1) (i32.eqz (i32.const 0)))) ""))
  "constant expression required")
(assert_invalid
  (module (global i32 (i32.add (i64.const 1) (i32.const 2))))
  "type mismatch")
(assert_invalid
  (module (global i64 (i32.mul (i32.const 1) (i32.const 2))))
  "type mismatch")
(assert_invalid
  (module (import "m" "g" (global (mut i32))) (global i32 (i32.add (global.get 0) (i32.const 1))))
  "constant expression required")
