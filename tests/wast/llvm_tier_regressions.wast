;; Regression: an optimizing tier must not fold arithmetic with an identity
;; constant (x-0, x+-0, x*1, x/1, x*-1, x/-1, -0-x, demote(promote x)) into x
;; or -x: for a signalling NaN input wasm requires a quiet (arithmetic) NaN.
;; Found on the LLVM tier by the official float_exprs.wast.
(module
  (func (export "f32.sub_zero") (param f32) (result f32) (f32.sub (local.get 0) (f32.const 0.0)))
  (func (export "f32.add_neg_zero") (param f32) (result f32) (f32.add (local.get 0) (f32.const -0.0)))
  (func (export "f32.mul_one") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 1.0)))
  (func (export "f32.div_one") (param f32) (result f32) (f32.div (local.get 0) (f32.const 1.0)))
  (func (export "f32.mul_neg_one") (param f32) (result f32) (f32.mul (f32.const -1.0) (local.get 0)))
  (func (export "f32.div_neg_one") (param f32) (result f32) (f32.div (local.get 0) (f32.const -1.0)))
  (func (export "f32.neg_zero_sub") (param f32) (result f32) (f32.sub (f32.const -0.0) (local.get 0)))
  (func (export "f64.sub_zero") (param f64) (result f64) (f64.sub (local.get 0) (f64.const 0.0)))
  (func (export "f64.mul_one") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 1.0)))
  (func (export "f64.div_neg_one") (param f64) (result f64) (f64.div (local.get 0) (f64.const -1.0)))
  (func (export "promote_demote") (param f32) (result f32) (f32.demote_f64 (f64.promote_f32 (local.get 0))))
  ;; Ordinary values still compute exactly.
  (func (export "f32.mul_one_value") (result f32) (f32.mul (f32.const 2.5) (f32.const 1.0)))
)
(assert_return (invoke "f32.sub_zero" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.add_neg_zero" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.mul_one" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.div_one" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.mul_neg_one" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.div_neg_one" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.neg_zero_sub" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f64.sub_zero" (f64.const nan:0x4000000000000)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.mul_one" (f64.const nan:0x4000000000000)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.div_neg_one" (f64.const nan:0x4000000000000)) (f64.const nan:arithmetic))
(assert_return (invoke "promote_demote" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.sub_zero" (f32.const -1.5)) (f32.const -1.5))
(assert_return (invoke "f32.neg_zero_sub" (f32.const 1.5)) (f32.const -1.5))
(assert_return (invoke "f32.mul_one_value") (f32.const 2.5))

;; Regression: a load whose value is dropped must still trap when out of
;; bounds (an optimizer deletes unused loads).
(module
  (memory 1)
  (func (export "dropped_load") (drop (i32.load (i32.const 65536))))
)
(assert_trap (invoke "dropped_load") "out of bounds memory access")

;; The same for a loaded value stored into a local that is never read.
(module
  (memory 1)
  (func (export "load_into_unread_local") (local i32)
    (local.set 0 (i32.wrap_i64 (i64.load (i32.const 65530)))))
)
(assert_trap (invoke "load_into_unread_local") "out of bounds memory access")
