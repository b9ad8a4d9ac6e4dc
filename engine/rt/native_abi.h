// The contract between code compiled by the LLVM tier (engine/llvm, a
// plugin that the runtime loads only to compile) and the runtime that runs
// it (engine/native). Both sides include this file; nothing else is shared,
// so the compiled artifact can be cached on disk and loaded by a process
// that never touches LLVM.
//
// Everything here is plain data with fixed offsets, because generated code
// addresses these fields by offset. Change kAbiVersion when any layout or
// convention changes: it is part of every artifact's cache key.
#pragma once

#include <cstddef>
#include <cstdint>

namespace spindle::native {

inline constexpr uint32_t kAbiVersion = 5;

// ---------------------------------------------------------------------------
// Calling conventions (x86-64 System V underneath, ccc in LLVM terms)
//
// A defined wasm function N with type (p0..pk) -> (r0..rm) is compiled to
//     R wasm_func_N(VmContext* vmctx, p0, ..., pk)
// where i32 -> i32, i64 -> i64, f32 -> float, f64 -> double, funcref and
// externref -> i64 (a Function* or an extern token; 0 is null). R is void
// for no result, the value for one, and a literal struct {r0, ..., rm} for
// several. Only compiled code calls these directly.
//
// The runtime enters compiled code only through entry thunks, one per type
// index of the module:
//     void entry_T(const void* function_code, VmContext* vmctx, uint64_t* slots)
// which reads the arguments from slots[0..k], calls function_code (a
// wasm_func_N of that type) and writes the results to slots[0..m]. Slots
// hold raw bits zero-extended to 64 (the interpreter's convention).
//
// Imported host functions with a typed entry (HostFunction::typed_entry,
// made by WrapFunction for every signature with at most one result) are
// called directly, arguments in registers:
//     R typed_entry(const HostFunction* host, VmContext* vmctx, p0, ..., pk)
// with the types above (i32 as a 32-bit integer, refs as i64). A trap is
// reported by a non-zero VmContext::host_trap, which the caller checks
// after the call and passes to RuntimeHelpers::trap.
//
// Other imports, and call_indirect targets that belong to another instance
// or tier, are called through RuntimeHelpers::call_function with the same
// slot convention, marshalled at the call site.
// ---------------------------------------------------------------------------

// Layout of spindle::Function (engine/rt/function.h) as compiled code reads
// it; engine/native checks these with static_asserts.
inline constexpr size_t kFunctionTypeOffset = 0;        // const FuncType* (canonical)
inline constexpr size_t kFunctionInstanceOffset = 8;    // Instance*
inline constexpr size_t kFunctionHostOffset = 24;       // const HostFunction*, or null
inline constexpr size_t kFunctionNativeCodeOffset = 32; // const void*: wasm_func_N, or null
// Layout of spindle::HostFunction (engine/rt/function.h).
inline constexpr size_t kHostTypedEntryOffset = 0;      // const void*, or null

// A table's elements as compiled code reads them (spindle::Table keeps one
// up to date across growth).
struct TableView {
  uint64_t* elements;  // Function* or extern tokens as raw bits
  uint64_t size;
  // Non-zero while the table fills lazily (spindle::Table): a write must
  // then go through the runtime, which resolves the table first.
  uint64_t lazy_length;
};

struct VmContext;

// Runtime services compiled code calls. Functions returning uint32_t return
// a TrapKind (0 = none); compiled code then calls `trap` with it, which
// keeps any message or exit status the runtime recorded.
struct RuntimeHelpers {
  // Never returns: unwinds to the innermost entry from the host.
  void (*trap)(VmContext* vmctx, uint32_t trap_kind);
  // As `trap`, naming a table index in the message ("undefined element 7").
  void (*trap_at_index)(VmContext* vmctx, uint32_t trap_kind, uint32_t index);
  // Calls any function (host, interpreted, or compiled in another instance)
  // with arguments and results in `slots` (max(params, results) entries).
  uint32_t (*call_function)(VmContext* vmctx, void* function, uint64_t* slots);

  uint32_t (*memory_size)(VmContext* vmctx);  // pages of memory 0
  uint32_t (*memory_grow)(VmContext* vmctx, uint32_t delta_pages);  // old pages or -1
  uint32_t (*memory_fill)(VmContext* vmctx, uint32_t dst, uint32_t value, uint32_t length);
  uint32_t (*memory_copy)(VmContext* vmctx, uint32_t dst, uint32_t src, uint32_t length);
  uint32_t (*memory_init)(VmContext* vmctx, uint32_t segment, uint32_t dst, uint32_t src,
                          uint32_t length);
  void (*data_drop)(VmContext* vmctx, uint32_t segment);

  uint32_t (*table_grow)(VmContext* vmctx, uint32_t table, uint64_t init, uint32_t delta);  // old size or -1
  uint32_t (*table_fill)(VmContext* vmctx, uint32_t table, uint32_t dst, uint64_t value,
                         uint32_t length);
  uint32_t (*table_copy)(VmContext* vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                         uint32_t src, uint32_t length);
  uint32_t (*table_init)(VmContext* vmctx, uint32_t segment, uint32_t table, uint32_t dst,
                         uint32_t src, uint32_t length);
  void (*elem_drop)(VmContext* vmctx, uint32_t segment);

  // Called when rsp < VmContext::stack_limit; never returns: traps with
  // kInterrupted if the deadline has come, else kCallStackExhausted.
  void (*stack_limit_reached)(VmContext* vmctx);

  // Tables may be filled lazily (spindle::Table::InitializeLazily): a 0
  // element read by table.get or call_indirect may be one not resolved
  // yet, so compiled code asks this for the element (index in bounds);
  // it returns 0 only for a null. table.set writes inline unless
  // TableView::lazy_length is non-zero, then through table_fill.
  uint64_t (*table_get_lazy)(VmContext* vmctx, uint32_t table, uint32_t index);
  // ref.func of a defined function: its Function*, made on first use.
  // (Imported functions are read from VmContext::functions.)
  void* (*ref_func)(VmContext* vmctx, uint32_t function_index);
};

// One per instance running compiled code; the first parameter of every
// compiled function. Generated code reads the fields below by offset.
struct VmContext {
  uint8_t* memory_base;              // memory 0, or null; never moves (guard reservation)
  const uint64_t* epoch;             // the engine's epoch counter, read atomically (relaxed)
  uint64_t epoch_deadline;           // trap with kInterrupted once *epoch >= this
  // Compiled code calls helpers->stack_limit_reached when rsp < this, at
  // every function entry and loop header. It is the thread's stack limit,
  // or kInterruptRequested: the runtime interrupts compiled code by storing
  // that (Engine::IncrementEpoch), so one compare serves both checks. A
  // request is only ever stored when the deadline has come, and taken back
  // when a call starts afresh or the deadline moves.
  uintptr_t stack_limit;
  uint64_t* const* globals;          // per global index: its 64-bit cell (i32/f32 zero-extended)
  void* const* functions;            // per imported function index: Function*
  TableView* const* tables;          // per table index
  const void* const* types;          // per type index: canonical const FuncType*
  const RuntimeHelpers* helpers;
  void* instance;                    // spindle::Instance*, for the runtime's helpers
  void* runtime;                     // runtime-private per-instance state
  uint32_t host_trap;                // TrapKind a typed host entry reported, else 0
};

inline constexpr uintptr_t kInterruptRequested = UINTPTR_MAX;

inline constexpr size_t kVmMemoryBase = offsetof(VmContext, memory_base);
inline constexpr size_t kVmEpoch = offsetof(VmContext, epoch);
inline constexpr size_t kVmEpochDeadline = offsetof(VmContext, epoch_deadline);
inline constexpr size_t kVmStackLimit = offsetof(VmContext, stack_limit);
inline constexpr size_t kVmGlobals = offsetof(VmContext, globals);
inline constexpr size_t kVmFunctions = offsetof(VmContext, functions);
inline constexpr size_t kVmTables = offsetof(VmContext, tables);
inline constexpr size_t kVmTypes = offsetof(VmContext, types);
inline constexpr size_t kVmHelpers = offsetof(VmContext, helpers);
inline constexpr size_t kVmHostTrap = offsetof(VmContext, host_trap);

// ---------------------------------------------------------------------------
// Artifact file (.swasm): a header, tables of offsets, and one blob of
// position-independent machine code (text and read-only data, already
// linked: every reference inside is PC-relative, everything outside goes
// through the VmContext). The runtime maps the blob read+execute, shared
// between instances and processes, and applies no relocations.
//
//   [ArtifactHeader]
//   [uint64_t function_offsets[num_functions]]  defined function i -> blob offset
//   [uint64_t entry_offsets[num_types]]         type index t -> entry thunk offset
//   ... padding to a 4096-byte boundary ...
//   [code blob, code_size bytes]
// ---------------------------------------------------------------------------

inline constexpr char kArtifactMagic[8] = {'S', 'P', 'N', 'D', 'L', 'N', 'A', 'T'};
inline constexpr uint32_t kArtifactFormatVersion = 1;
inline constexpr uint64_t kNoEntry = UINT64_MAX;

struct ArtifactHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t abi_version;
  uint8_t key[32];              // cache key the artifact was built for
  uint64_t wasm_size;           // size of the module it was compiled from
  uint32_t num_functions;       // defined functions
  uint32_t num_types;
  uint64_t function_table_offset;
  uint64_t entry_table_offset;
  uint64_t code_offset;         // from the start of the file, 4096-aligned
  uint64_t code_size;
  uint32_t opt_level;
  uint32_t reserved;
  double compile_seconds;       // wall time of the compile, for logs
};

}  // namespace spindle::native
