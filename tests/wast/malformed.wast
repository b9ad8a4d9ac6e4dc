;; Malformed binary modules (assert_malformed on module binary): header, section ids and sizes, LEB128 length/range, code/function counts, data count, UTF-8 names, local counts, reserved zero bytes, illegal opcodes, malformed kinds/types; plus well-formed baselines.

;; ---- well-formed baselines for the encodings used below ----
(module binary
  "\00asm" "\01\00\00\00"
  "\01\05\01\60\00\01\7f"              ;; type section: (func (result i32))
  "\03\02\01\00"                       ;; function section: 1 function of type 0
  "\07\05\01\01\66\00\00"              ;; export section: "f" -> func 0
  "\0a\06\01\04\00\41\2a\0b"           ;; code section: i32.const 42, end
)
(assert_return (invoke "f") (i32.const 42))

;; non-minimal LEB128 encodings (up to the maximum length) and custom sections anywhere are fine
(module binary
  "\00asm" "\01\00\00\00"
  "\00\06\03xyz\01\02"                 ;; custom section "xyz" with 2 payload bytes
  "\01\85\80\80\80\00\01\60\00\01\7f"  ;; type section, size padded to 5 bytes
  "\03\02\01\00"
  "\00\01\00"                          ;; custom section with an empty name
  "\07\06\01\02\c3\a9\00\00"           ;; export "\c3\a9" (U+00E9)
  "\0a\0a\01\08\00\41\aa\80\80\80\00\0b" ;; i32.const 42 as a 5-byte LEB
  "\00\03\02hi"                        ;; trailing custom section "hi"
)
(assert_return (invoke "\c3\a9") (i32.const 42))

;; ---- header ----
(assert_malformed (module binary "") "unexpected end")
(assert_malformed (module binary "\00a") "unexpected end")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_malformed (module binary "\00asm\01") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end")
(assert_malformed (module binary "\00asn\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\01asm\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\00ASM\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\7fELF\02\01\01\00") "magic header not detected")
(assert_malformed (module binary "asm\00\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\00asm\00\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm\00\00\00\01") "unknown binary version")
(assert_malformed (module binary "\00asm\0d\00\01\00") "unknown binary version")

;; ---- section ids ----
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\0e\00") "malformed section id")
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\20\01\00") "malformed section id")
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\7f\00") "malformed section id")
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\8a\00\01\00") "malformed section id")

;; ---- LEB128: too many bytes ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\05\08\01\00\82\80\80\80\80\00")     ;; memory min 2 encoded in 6 bytes
  "integer representation too long")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\06\80\80\80\80\80\00")           ;; type count 0 encoded in 6 bytes
  "integer representation too long")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\0c\01\0a\00\41\80\80\80\80\80\00\1a\0b")   ;; i32.const 0 in 6 bytes
  "integer representation too long")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\11\01\0f\00\42\80\80\80\80\80\80\80\80\80\80\00\1a\0b")   ;; i64.const 0 in 11 bytes
  "integer representation too long")

;; ---- LEB128: unused bits of the last byte must be zero / sign extension ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\05\07\01\00\82\80\80\80\10")        ;; memory min with bit 32 set
  "integer too large")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\0b\01\09\00\41\ff\ff\ff\ff\0f\1a\0b")      ;; i32.const: sign bit set, high bits clear
  "integer too large")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\0b\01\09\00\41\80\80\80\80\70\1a\0b")      ;; i32.const: sign bit clear, high bits set
  "integer too large")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\10\01\0e\00\42\80\80\80\80\80\80\80\80\80\02\1a\0b")   ;; i64.const: bit 64 set
  "integer too large")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\10\01\0e\00\42\ff\ff\ff\ff\ff\ff\ff\ff\ff\7e\1a\0b")   ;; i64.const: inconsistent sign bits
  "integer too large")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\0a\01\08\00\10\80\80\80\80\10\0b")         ;; call with a 33-bit function index
  "integer too large")

;; ---- section and body extents ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\05\01\60\00\00\00")              ;; type section has one byte more than its content
  "section size mismatch")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\05\05\01\00\01\00\00")              ;; memory section has two trailing bytes
  "section size mismatch")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\0a\01\60\00\00")                 ;; section size exceeds the remaining input
  "length out of bounds")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\01\01")              ;; body "nop nop" without end, at end of input
  "unexpected end of section or function")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\08\01\06\00\41\00\1a\05\0b")     ;; stray `else` where the function's end is expected
  "END opcode expected")

;; ---- function and code sections must agree ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\05\01\60\00\01\7f"
    "\03\02\01\00")                       ;; one function declared, no code section
  "function and code section have inconsistent lengths")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\05\01\60\00\01\7f"
    "\03\04\03\00\00\00"                  ;; three functions declared
    "\0a\0b\02\04\00\41\01\0b\04\00\41\02\0b")   ;; two bodies
  "function and code section have inconsistent lengths")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\05\01\60\00\01\7f"
    "\03\02\01\00"                        ;; one function declared
    "\0a\0b\02\04\00\41\01\0b\04\00\41\02\0b")   ;; two bodies
  "function and code section have inconsistent lengths")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\0a\04\01\02\00\0b")                 ;; a body but no function section
  "function and code section have inconsistent lengths")

;; ---- data count section ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\05\03\01\00\01"
    "\0a\0e\01\0c\00\41\00\41\00\41\00\fc\08\00\00\0b"   ;; memory.init 0
    "\0b\04\01\01\01\aa")                 ;; one passive segment
  "data count section required")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\05\03\01\00\01"
    "\0a\07\01\05\00\fc\09\00\0b"         ;; data.drop 0
    "\0b\04\01\01\01\aa")
  "data count section required")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\05\03\01\00\01"
    "\0c\01\02"                           ;; data count 2
    "\0b\07\01\00\41\00\0b\01\aa")        ;; one active segment
  "data count and data section have inconsistent lengths")

;; ---- names must be valid UTF-8 ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\07\05\01\01\80\00\00"               ;; lone continuation byte
    "\0a\04\01\02\00\0b")
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\07\06\01\02\c0\80\00\00"            ;; overlong encoding of U+0000
    "\0a\04\01\02\00\0b")
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\07\07\01\03\ed\a0\80\00\00"         ;; surrogate U+D800
    "\0a\04\01\02\00\0b")
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\07\08\01\04\f4\90\80\80\00\00"      ;; beyond U+10FFFF
    "\0a\04\01\02\00\0b")
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\07\06\01\02\e2\82\00\00"            ;; truncated 3-byte sequence
    "\0a\04\01\02\00\0b")
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\02\08\01\01\ff\01\78\03\7f\00")     ;; import module name 0xff
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\02\0a\01\01\6d\03\e0\80\80\03\7f\00")   ;; import field name: overlong 3-byte form
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\00\02\01\c3")                       ;; custom section name: truncated 2-byte sequence
  "malformed UTF-8 encoding")

;; ---- locals ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\0c\01\0a\02\ff\ff\ff\ff\0f\7e\01\7d\0b")   ;; 0xffffffff i64 + 1 f32 locals
  "too many locals")

;; ---- reserved immediate bytes must be zero ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\07\01\05\00\3f\01\1a\0b")        ;; memory.size 1
  "zero byte expected")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\09\01\07\00\41\00\40\01\1a\0b")  ;; memory.grow 1
  "zero byte expected")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\0d\01\0b\00\41\00\41\00\41\00\fc\0b\01\0b")      ;; memory.fill 1
  "zero byte expected")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\0e\01\0c\00\41\00\41\00\41\00\fc\0a\00\01\0b")   ;; memory.copy 0 1
  "zero byte expected")

;; ---- opcodes outside WebAssembly 2.0 (non-SIMD) ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\06\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\27\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\c5\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\ff\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\06\01\04\00\fc\20\0b")           ;; undefined 0xfc sub-opcode
  "illegal opcode")

;; ---- malformed kinds and types ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\02\05\01\00\00\07\00")              ;; import kind 7
  "malformed import kind")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\06\06\01\7f\02\41\00\0b")           ;; global mutability byte 2
  "malformed mutability")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\04\04\01\7f\00\01")                 ;; table element type i32
  "malformed reference type")

;; ---- section order ----
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\05\03\01\00\01"
    "\05\03\01\00\01")                    ;; memory section twice
  "unexpected content after last section")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\03\01\00"                           ;; function section
    "\01\01\00")                          ;; type section after it
  "unexpected content after last section")
