;; Validation failures (assert_invalid) for the main typing and module-level rules, using the spec's error texts.

;; ---- operand typing ----
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_invalid (module (func (i32.const 1))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.const 1) (i32.const 2))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.add (i32.const 0) (f32.const 0)))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.add (i32.const 0)))) "type mismatch")
(assert_invalid (module (func (result i64) (i64.extend_i32_s (i64.const 0)))) "type mismatch")
(assert_invalid (module (func (result f32) (f32.demote_f64 (f32.const 0)))) "type mismatch")
(assert_invalid (module (func (param i32) (local.set 0 (i64.const 1)))) "type mismatch")
(assert_invalid (module (func (param f64) (result f64) (local.tee 0 (f32.const 1)))) "type mismatch")
(assert_invalid (module (func (drop))) "type mismatch")
(assert_invalid (module (func (result i32) (select (i32.const 1) (i64.const 2) (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (select (i32.const 1) (i32.const 2) (i64.const 1)))) "type mismatch")
(assert_invalid (module (func (param externref) (result externref) (select (local.get 0) (local.get 0) (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (select (result i32) (i64.const 1) (i64.const 2) (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (ref.is_null (i32.const 0)))) "type mismatch")
(assert_invalid (module (func (if (i64.const 1) (then)))) "type mismatch")
(assert_invalid (module (memory 1) (func (i32.store (i32.const 0) (i64.const 0)))) "type mismatch")
(assert_invalid (module (memory 1) (func (result i32) (i32.load (i64.const 0)))) "type mismatch")
(assert_invalid (module (func (result i32) (memory.size))) "unknown memory")

;; ---- blocks, branches, calls ----
(assert_invalid (module (func (result i32) (block (result i32)))) "type mismatch")
(assert_invalid (module (func (result i32) (block (result i32) (i64.const 0)))) "type mismatch")
(assert_invalid (module (func (block (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (block (param i32) (result i32)) )) "type mismatch")
(assert_invalid (module (func (i32.const 0) (loop (param i32) (br 0 (i64.const 1))))) "type mismatch")
(assert_invalid (module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1))))) "type mismatch")
(assert_invalid (module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1)) (else (f32.const 0))))) "type mismatch")
(assert_invalid (module (func (if (i32.const 1) (then (i32.const 1))))) "type mismatch")
(assert_invalid (module (func (result i32) (block (result i32) (br 0)))) "type mismatch")
(assert_invalid (module (func (result i32) (block (result i32) (br 0 (i64.const 1))))) "type mismatch")
(assert_invalid (module (func (result i32) (block (result i32) (br_if 0 (i32.const 1))))) "type mismatch")
(assert_invalid (module (func (result i32) (block (result i32) (br_if 0 (i32.const 0) (i64.const 1))))) "type mismatch")
(assert_invalid
  (module (func (result i32)
    (block (result i32) (block (result i64) (br_table 0 1 (i32.const 0) (i32.const 0))) (drop) (i32.const 0))))
  "type mismatch")
(assert_invalid (module (func (block (br_table 0 0 (i64.const 0))))) "type mismatch")
(assert_invalid (module (func (result i32) (return))) "type mismatch")
(assert_invalid (module (func (result i32) (return (i64.const 1)))) "type mismatch")
(assert_invalid (module (func $f (param i32)) (func (call $f))) "type mismatch")
(assert_invalid (module (func $f (param i32)) (func (call $f (f32.const 0)))) "type mismatch")
(assert_invalid (module (func $f (result i32 i32) (i32.const 1))) "type mismatch")
(assert_invalid
  (module (type $t (func (param i32))) (table 1 funcref) (func (call_indirect (type $t) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (type $t (func)) (table 1 funcref) (func (call_indirect (type $t) (i64.const 0))))
  "type mismatch")

;; ---- unknown indices ----
(assert_invalid (module (func (drop (local.get 0)))) "unknown local")
(assert_invalid (module (func (param i32) (local i64) (local.set 2 (i32.const 0)))) "unknown local")
(assert_invalid (module (func (drop (global.get 0)))) "unknown global")
(assert_invalid (module (global i32 (i32.const 0)) (func (global.set 1 (i32.const 0)))) "unknown global")
(assert_invalid (module (func (call 1))) "unknown function")
(assert_invalid (module (start 3)) "unknown function")
(assert_invalid (module (func (drop (ref.func 7)))) "unknown function")
(assert_invalid (module (type (func)) (func (call_indirect (type 0) (i32.const 0)))) "unknown table")
(assert_invalid (module (func (drop (table.size 0)))) "unknown table")
(assert_invalid (module (table 1 funcref) (func (drop (table.get 1 (i32.const 0))))) "unknown table")
(assert_invalid (module (func (drop (i32.load (i32.const 0))))) "unknown memory")
(assert_invalid (module (func (i64.store8 (i32.const 0) (i64.const 0)))) "unknown memory")
(assert_invalid (module (func (drop (memory.grow (i32.const 0))))) "unknown memory")
(assert_invalid (module (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))) "unknown memory")
(assert_invalid (module (table 1 funcref) (func (call_indirect (type 2) (i32.const 0)))) "unknown type")
(assert_invalid (module (func (type 4))) "unknown type")
(assert_invalid (module (func (br 1))) "unknown label")
(assert_invalid (module (func (block (br_if 2 (i32.const 1))))) "unknown label")
(assert_invalid (module (func (block (br_table 0 1 5 (i32.const 1))))) "unknown label")
;; (binary, so that a data count section of 0 is present and the module is well-formed)
(assert_invalid
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00"                         ;; type section: (func)
    "\03\02\01\00"                               ;; function section
    "\05\03\01\00\01"                            ;; memory section: (memory 1)
    "\0c\01\00"                                  ;; data count section: 0 segments
    "\0a\0e\01\0c\00"                            ;; code section, 1 body of 12 bytes
    "\41\00\41\00\41\00\fc\08\00\00\0b"           ;; memory.init 0 (i32.const 0) x3, end
  )
  "unknown data segment")
(assert_invalid
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00"                         ;; type section: (func)
    "\03\02\01\00"                               ;; function section
    "\0c\01\00"                                  ;; data count section: 0 segments
    "\0a\07\01\05\00\fc\09\00\0b"                ;; code: data.drop 0, end
  )
  "unknown data segment")
(assert_invalid (module (table 1 funcref) (func (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))) "unknown elem segment")
(assert_invalid (module (func (elem.drop 0))) "unknown elem segment")

;; ---- memory immediates ----
(assert_invalid (module (memory 1) (func (drop (i32.load align=8 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (i64.load align=16 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (i32.load8_s align=2 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (i64.load16_u align=4 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (i64.load32_s align=8 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (f32.load align=8 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (i32.store16 align=4 (i32.const 0) (i32.const 0)))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (f64.store align=16 (i32.const 0) (f64.const 0)))) "alignment must not be larger than natural")

;; ---- globals and constant expressions ----
(assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))) "global is immutable")
(assert_invalid (module (import "spectest" "global_i32" (global i32)) (func (global.set 0 (i32.const 1)))) "global is immutable")
(assert_invalid (module (global i32 (i64.const 0))) "type mismatch")
(assert_invalid (module (global (mut f32) (f64.const 0))) "type mismatch")
(assert_invalid (module (global i32)) "type mismatch")
(assert_invalid (module (global i32 (i32.const 0) (i32.const 0))) "type mismatch")
(assert_invalid (module (global funcref (ref.null extern))) "type mismatch")
(assert_invalid (module (global i32 (i32.shl (i32.const 1) (i32.const 2)))) "constant expression required")
(assert_invalid (module (global i32 (i32.ctz (i32.const 1)))) "constant expression required")
(assert_invalid (module (global i32 (nop) (i32.const 1))) "constant expression required")
(assert_invalid (module (global i32 (i32.const 0)) (global i32 (global.get 0))) "unknown global")
(assert_invalid (module (global i32 (global.get 1)) (global i32 (i32.const 0))) "unknown global")
(assert_invalid (module (import "m" "g" (global (mut i32))) (global i32 (global.get 0))) "constant expression required")
(assert_invalid (module (memory 1) (data (i32.eqz (i32.const 1)) "")) "constant expression required")
(assert_invalid (module (memory 1) (data (i64.const 0) "")) "type mismatch")
(assert_invalid (module (table 1 funcref) (elem (i32.or (i32.const 0) (i32.const 0)) func)) "constant expression required")
(assert_invalid (module (table 1 funcref) (elem (f32.const 0) func)) "type mismatch")

;; ---- references ----
(assert_invalid (module (func $f) (func (drop (ref.func $f)))) "undeclared function reference")
(assert_invalid (module (func $f) (global funcref (ref.func $f)) (func $g (drop (ref.func $g)))) "undeclared function reference")
(assert_invalid (module (table 1 externref) (elem (table 0) (i32.const 0) funcref (ref.null func))) "type mismatch")
(assert_invalid (module (table 1 funcref) (elem (i32.const 0) externref (ref.null extern))) "type mismatch")
(assert_invalid
  (module (table $f 1 funcref) (table $e 1 externref) (func (table.copy $f $e (i32.const 0) (i32.const 0) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (table 1 externref) (elem $s funcref) (func (table.init 0 $s (i32.const 0) (i32.const 0) (i32.const 0))))
  "type mismatch")
(assert_invalid (module (table 1 externref) (func (table.set 0 (i32.const 0) (ref.null func)))) "type mismatch")
(assert_invalid (module (table 1 funcref) (func (result externref) (table.get 0 (i32.const 0)))) "type mismatch")
(assert_invalid (module (table 1 funcref) (func (drop (table.grow 0 (ref.null extern) (i32.const 1))))) "type mismatch")
(assert_invalid (module (table 1 funcref) (func (table.fill 0 (i32.const 0) (ref.null func) (i64.const 1)))) "type mismatch")

;; ---- module-level rules ----
(assert_invalid (module (func (export "a")) (func (export "a"))) "duplicate export name")
(assert_invalid (module (func (export "a")) (memory (export "a") 1)) "duplicate export name")
(assert_invalid (module (global (export "g") i32 (i32.const 0)) (table (export "g") 0 funcref)) "duplicate export name")
(assert_invalid (module (memory 1) (memory 1)) "multiple memories")
(assert_invalid (module (import "spectest" "memory" (memory 1)) (memory 1)) "multiple memories")
(assert_invalid (module (func $s (param i32)) (start $s)) "start function")
(assert_invalid (module (func $s (result i32) (i32.const 0)) (start $s)) "start function")
(assert_invalid (module (memory 2 1)) "size minimum must not be greater than maximum")
(assert_invalid (module (table 3 2 funcref)) "size minimum must not be greater than maximum")
(assert_invalid (module (memory 65537)) "memory size must be at most 65536 pages (4GiB)")
(assert_invalid (module (memory 0 65537)) "memory size must be at most 65536 pages (4GiB)")

;; ---- select with more than one result type (binary: 0x1c with a 2-element type vector) ----
(assert_invalid
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00"                         ;; type section: (func)
    "\03\02\01\00"                               ;; function section
    "\0a\14\01\12\00"                            ;; code section, 1 body of 18 bytes, no locals
    "\41\00\41\00\41\00\41\00\41\01"             ;; 4 x i32.const 0, i32.const 1
    "\1c\02\7f\7f"                               ;; select (result i32 i32)
    "\1a\1a\0b"                                  ;; drop drop end
  )
  "invalid result arity")
