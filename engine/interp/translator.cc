// Wasm -> register code. The operand stack is modelled at translation time:
// each entry is a value in its home temporary slot, a lazily referenced
// local, or a constant. Instructions read locals and constants directly and
// write their result to the home slot of the position it lands in, so
// `local.get a; local.get b; i32.add; local.set c` becomes one instruction.
//
// Invariants that keep lazy entries correct:
//  - before a local is written, entries that still refer to it are copied
//    to their home slots;
//  - at every block, loop and if entry, all lazy locals on the stack are
//    materialized (a write inside a loop must not reach a value captured
//    before it), and so are the construct's parameters;
//  - values that cross a branch or a join are in home slots.
#include "engine/interp/translator.h"

#include <algorithm>
#include <span>
#include <vector>

#include "engine/base/byte_reader.h"
#include "engine/binary/instr_reader.h"
#include "engine/interp/ir.h"
#include "engine/interp/op_forms.h"
#include "engine/rt/trap.h"

namespace spindle::interp {
namespace {

// Where a value of the modelled operand stack lives.
struct Entry {
  enum class Kind : uint8_t {
    kTemp,   // in the home slot of its stack position
    kLocal,  // still in local `local` (a lazy local.get)
    kConst,  // the constant `value`
    kSum,    // i32 slot `local` + (`b_is_imm` ? `value` : slot `local_b`), not
             // yet computed, so that a memory access can fold the addition;
             // `local` is a local or this entry's own home slot
  };
  Kind kind = Kind::kTemp;
  ValType type = ValType::kI32;
  uint32_t local = 0;
  uint64_t value = 0;
  uint32_t local_b = 0;
  bool b_is_imm = false;

  bool RefersTo(uint32_t slot) const {
    return (kind == Kind::kLocal && local == slot) ||
           (kind == Kind::kSum && (local == slot || (!b_is_imm && local_b == slot)));
  }
};

struct Fixup {
  uint32_t field;  // position of the i32 target operand
  uint32_t instr;  // start of the branch instruction
};

struct Control {
  Opcode opcode = Opcode::kBlock;  // kBlock, kLoop, kIf or kElse
  uint32_t height = 0;             // stack height below the parameters
  std::span<const ValType> params;
  std::span<const ValType> results;
  uint32_t loop_label = 0;
  std::vector<Fixup> end_fixups;
  Fixup else_fixup{};
  bool has_else_fixup = false;
  bool reachable_at_entry = true;
  bool dead = false;  // opened in unreachable code: emits nothing

  std::span<const ValType> label_types() const {
    return opcode == Opcode::kLoop ? params : results;
  }
};

// The last instruction, when it may be rewritten by what follows.
struct Producer {
  bool valid = false;
  uint32_t dst_field = 0;   // where its destination operand is
  uint32_t stack_pos = 0;   // the stack position it produced
};

// The last I32AddSI emitted, which a following compare-and-branch on its
// result can absorb.
struct LastAdd {
  bool valid = false;
  uint32_t instr = 0;
  uint32_t end = 0;
  uint32_t dst = 0;  // slot offsets
  uint32_t src = 0;
  uint32_t imm = 0;
  size_t offsets_size = 0;
};

struct LastCopy {
  bool valid = false;
  uint32_t instr = 0;
  uint32_t end = 0;
};

struct PendingCompare {
  bool valid = false;
  uint32_t instr = 0;        // start of the compare instruction
  uint32_t end = 0;          // end of it; fusable only if nothing follows
  uint32_t stack_pos = 0;
  Opcode op = Opcode::kNop;  // the compare, or kI32Eqz/kI64Eqz
  uint32_t a = 0;            // slot offset
  bool b_is_imm = false;
  uint32_t b = 0;            // slot offset
  uint64_t imm = 0;
  size_t offsets_size = 0;   // offset-map size before the compare
};

const ValType kSingleTypes[] = {ValType::kI32, ValType::kI64, ValType::kF32,
                                ValType::kF64, ValType::kFuncRef, ValType::kExternRef};

std::span<const ValType> SingleType(ValType type) {
  for (const ValType& candidate : kSingleTypes) {
    if (candidate == type) return {&candidate, 1};
  }
  return {};
}

bool IsWide(ValType type) { return type == ValType::kI64 || type == ValType::kF64; }

// Lazy entries (kLocal, kSum) exist only below this stack position, so the
// scans that find them are bounded: a hostile body with a deep operand stack
// cannot make translation quadratic. Real code rarely goes this deep.
constexpr uint32_t kMaxLazyPosition = 64;

class Translator {
 public:
  Translator(const CompiledModule& compiled, uint32_t defined_index)
      : compiled_(compiled),
        module_(compiled.module()),
        body_(module_.functions[defined_index]),
        type_(module_.types[body_.type_index]),
        handlers_(HandlerTable(compiled.engine().config().bounds_checks)),
        reader_(body_.code.data(), body_.code.data() + body_.code.size(), body_.code_offset),
        instrs_(reader_) {
    param_slots_ = static_cast<uint32_t>(type_.params.size());
    local_slots_ = body_.local_count;
    zero_slot_ = param_slots_ + local_slots_;
    temp_base_ = zero_slot_ + 1;
  }

  std::unique_ptr<InterpCode> Run();

 private:
  // Emission.
  void Op(IrOp op) {
    producer_.valid = false;
    compare_.valid = false;
    if (offsets_.empty() || offsets_.back().second != instr_.offset) {
      offsets_.emplace_back(static_cast<uint32_t>(code_.size()), instr_.offset);
    }
    Raw(handlers_[static_cast<size_t>(op)]);
  }
  template <typename T>
  void Raw(T value) {
    const size_t at = code_.size();
    code_.resize(at + sizeof(T));
    WriteAt(code_.data() + at, value);
  }
  void U32(uint32_t value) { Raw(value); }
  uint32_t Here() const { return static_cast<uint32_t>(code_.size()); }
  void Patch(const Fixup& fixup, uint32_t label) {
    WriteAt<int32_t>(code_.data() + fixup.field,
                     static_cast<int32_t>(label) - static_cast<int32_t>(fixup.instr));
  }
  // Records the just-emitted instruction as the producer of `pos`, whose
  // destination operand is at `dst_field`.
  void Produced(uint32_t dst_field, uint32_t pos) { producer_ = {true, dst_field, pos}; }
  void Label() {
    producer_.valid = false;
    compare_.valid = false;
    last_add_.valid = false;
    last_copy_.valid = false;
    if (any_known_zero_) {
      std::fill(known_zero_.begin(), known_zero_.end(), false);
      any_known_zero_ = false;
    }
  }

  // Slots.
  static uint32_t Offset(uint32_t slot) { return slot * kSlotBytes; }
  uint32_t TempSlot(uint32_t pos) {
    if (temp_base_ + pos + 1 > max_slots_) max_slots_ = temp_base_ + pos + 1;
    return temp_base_ + pos;
  }
  uint32_t Top() const { return static_cast<uint32_t>(stack_.size()) - 1; }
  ValType ResultType() const {
    switch (InfoOf(instr_.op).result) {
      case OpType::kI32: return ValType::kI32;
      case OpType::kI64: return ValType::kI64;
      case OpType::kF32: return ValType::kF32;
      default: return ValType::kF64;
    }
  }

  // Stack model.
  void PushTemp(ValType type) {
    stack_.push_back({Entry::Kind::kTemp, type, 0, 0});
    TempSlot(Top());
  }
  void Materialize(uint32_t pos);
  void MaterializeLocalRefs();
  void EmitSum(uint32_t dst_slot, const Entry& sum);
  void EmitCopy(uint32_t dst_slot, uint32_t src_slot);
  void WroteLocal(uint32_t local) {
    if (local < known_zero_.size()) known_zero_[local] = false;
  }
  void MaterializeRange(uint32_t from, uint32_t to) {
    for (uint32_t pos = from; pos < to; ++pos) Materialize(pos);
  }
  uint32_t SlotOf(uint32_t pos) {  // materializes constants and sums
    Entry& entry = stack_[pos];
    if (entry.kind == Entry::Kind::kLocal) return entry.local;
    if (entry.kind != Entry::Kind::kTemp) Materialize(pos);
    return TempSlot(pos);
  }
  void PreserveLocal(uint32_t local, uint32_t below);
  void EmitMove(uint32_t dst_slot, const Entry& source, uint32_t source_pos);

  // Control.
  void BlockSignature(const BlockType& block, std::span<const ValType>& params,
                      std::span<const ValType>& results);
  bool NeedsMoves(const Control& target);
  void EmitBranchMoves(const Control& target);
  void EmitJump(Control& target);  // unconditional, after the moves
  void EmitBranch(uint32_t depth);
  void EmitReturn();
  Control& LabelAt(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }

  void TranslateBrIf(uint32_t depth);
  void TranslateIf();
  void TranslateElse();
  void TranslateEnd();
  void TranslateBrTable();
  void EmitConditionalBranch(bool jump_if_true, Fixup* fixup, int32_t backward_target);

  // Instructions.
  void Step();
  bool TryDeferAdd(uint32_t a_pos, const Entry& b);
  void TranslateUnary(IrOp op);
  void TranslateBinary(const BinaryForms& forms);
  void TranslateLoad(IrOp op);
  void TranslateStore();
  void TranslateLocalSet(bool tee);
  void TranslateCall(IrOp op, uint32_t function_or_table, const FuncType& callee,
                     const FuncType* canonical, bool indirect);
  void TranslateSelect();
  void TranslateMisc();

  const CompiledModule& compiled_;
  const Module& module_;
  const FunctionBody& body_;
  const FuncType& type_;
  const void* const* handlers_;
  ByteReader reader_;
  InstrReader instrs_;
  Instr instr_;

  uint32_t param_slots_ = 0;
  uint32_t local_slots_ = 0;
  uint32_t zero_slot_ = 0;
  uint32_t temp_base_ = 0;
  uint32_t max_slots_ = 0;

  std::vector<uint8_t> code_;
  std::vector<std::pair<uint32_t, uint32_t>> offsets_;
  std::vector<Entry> stack_;
  std::vector<Control> controls_;
  std::vector<ValType> local_types_;
  bool reachable_ = true;
  Producer producer_;
  PendingCompare compare_;
  LastAdd last_add_;
  LastCopy last_copy_;
  // Locals that still hold their initial zero: no label has been placed and
  // nothing has written them, so storing zero into them is a no-op.
  std::vector<bool> known_zero_;
  bool any_known_zero_ = false;
};

void Translator::Materialize(uint32_t pos) {
  Entry& entry = stack_[pos];
  if (entry.kind == Entry::Kind::kTemp) return;
  const uint32_t slot = TempSlot(pos);
  const Entry source = entry;
  entry.kind = Entry::Kind::kTemp;
  EmitMove(slot, source, pos);
}

void Translator::EmitMove(uint32_t dst_slot, const Entry& source, uint32_t source_pos) {
  switch (source.kind) {
    case Entry::Kind::kConst:
      if (IsWide(source.type) || IsRefType(source.type)) {
        Op(IrOp::kConst64);
        U32(Offset(dst_slot));
        Raw<uint64_t>(source.value);
      } else {
        Op(IrOp::kConst32);
        U32(Offset(dst_slot));
        U32(static_cast<uint32_t>(source.value));
      }
      return;
    case Entry::Kind::kLocal:
      if (source.local != dst_slot) EmitCopy(dst_slot, source.local);
      return;
    case Entry::Kind::kTemp: {
      const uint32_t from = TempSlot(source_pos);
      if (from != dst_slot) EmitCopy(dst_slot, from);
      return;
    }
    case Entry::Kind::kSum:
      EmitSum(dst_slot, source);
      return;
  }
}

void Translator::EmitCopy(uint32_t dst_slot, uint32_t src_slot) {
  if (last_copy_.valid && last_copy_.end == Here()) {
    // Two copies in a row become one Copy2.
    WriteAt(code_.data() + last_copy_.instr, handlers_[static_cast<size_t>(IrOp::kCopy2)]);
    U32(Offset(dst_slot));
    U32(Offset(src_slot));
    last_copy_.valid = false;
    return;
  }
  const uint32_t start = Here();
  Op(IrOp::kCopy);
  U32(Offset(dst_slot));
  U32(Offset(src_slot));
  last_copy_ = {true, start, Here()};
}

void Translator::EmitSum(uint32_t dst_slot, const Entry& sum) {
  const size_t offsets_before = offsets_.size();
  const uint32_t start = Here();
  if (sum.b_is_imm) {
    Op(IrOp::kI32AddSI);
    U32(Offset(dst_slot));
    U32(Offset(sum.local));
    U32(static_cast<uint32_t>(sum.value));
    last_add_ = {true,           start, Here(), Offset(dst_slot), Offset(sum.local),
                 static_cast<uint32_t>(sum.value), offsets_before};
  } else {
    Op(IrOp::kI32AddSS);
    U32(Offset(dst_slot));
    U32(Offset(sum.local));
    U32(Offset(sum.local_b));
  }
}

void Translator::MaterializeLocalRefs() {
  const uint32_t end = std::min(static_cast<uint32_t>(stack_.size()), kMaxLazyPosition);
  for (uint32_t pos = 0; pos < end; ++pos) {
    const Entry::Kind kind = stack_[pos].kind;
    if (kind == Entry::Kind::kLocal || kind == Entry::Kind::kSum) Materialize(pos);
  }
}

void Translator::PreserveLocal(uint32_t local, uint32_t below) {
  for (uint32_t pos = 0; pos < std::min(below, kMaxLazyPosition); ++pos) {
    if (stack_[pos].RefersTo(local)) Materialize(pos);
  }
}

void Translator::BlockSignature(const BlockType& block, std::span<const ValType>& params,
                                std::span<const ValType>& results) {
  params = {};
  results = {};
  if (block.kind == BlockType::Kind::kValue) {
    results = SingleType(block.value);
  } else if (block.kind == BlockType::Kind::kIndex) {
    params = module_.types[block.type_index].params;
    results = module_.types[block.type_index].results;
  }
}

bool Translator::NeedsMoves(const Control& target) {
  const uint32_t arity = static_cast<uint32_t>(target.label_types().size());
  if (arity == 0) return false;
  const uint32_t first = static_cast<uint32_t>(stack_.size()) - arity;
  if (first != target.height) return true;
  for (uint32_t i = first; i < stack_.size(); ++i) {
    if (stack_[i].kind != Entry::Kind::kTemp) return true;
  }
  return false;
}

void Translator::EmitBranchMoves(const Control& target) {
  const uint32_t arity = static_cast<uint32_t>(target.label_types().size());
  const uint32_t first = static_cast<uint32_t>(stack_.size()) - arity;
  // Destinations are at or below their sources, so ascending order never
  // overwrites a value that is still to be moved.
  for (uint32_t i = 0; i < arity; ++i) {
    EmitMove(TempSlot(target.height + i), stack_[first + i], first + i);
  }
}

void Translator::EmitJump(Control& target) {
  const uint32_t start = Here();
  Op(IrOp::kBr);
  if (target.opcode == Opcode::kLoop) {
    Raw<int32_t>(static_cast<int32_t>(target.loop_label) - static_cast<int32_t>(start));
  } else {
    target.end_fixups.push_back({Here(), start});
    Raw<int32_t>(0);
  }
}

void Translator::EmitReturn() {
  const uint32_t arity = static_cast<uint32_t>(type_.results.size());
  const uint32_t first = static_cast<uint32_t>(stack_.size()) - arity;
  if (arity == 1) {
    const Entry& result = stack_[first];
    if (result.kind == Entry::Kind::kTemp && producer_.valid && producer_.stack_pos == first) {
      // The instruction that computed the result writes slot 0 directly.
      WriteAt<uint32_t>(code_.data() + producer_.dst_field, Offset(0));
      Op(IrOp::kReturn);
      return;
    }
    if (result.kind == Entry::Kind::kTemp || result.kind == Entry::Kind::kLocal) {
      const uint32_t slot = result.kind == Entry::Kind::kLocal ? result.local : TempSlot(first);
      if (slot != 0) {
        Op(IrOp::kReturn1);
        U32(Offset(slot));
        return;
      }
    }
  }
  // Results go to slots 0..n-1, which may hold locals still to be read.
  for (uint32_t i = 0; i < arity; ++i) {
    const Entry& entry = stack_[first + i];
    const bool reads_result_slot =
        (entry.kind == Entry::Kind::kLocal && entry.local < arity && entry.local != i) ||
        (entry.kind == Entry::Kind::kSum &&
         (entry.local < arity || (!entry.b_is_imm && entry.local_b < arity)));
    if (reads_result_slot) Materialize(first + i);
  }
  for (uint32_t i = 0; i < arity; ++i) EmitMove(i, stack_[first + i], first + i);
  Op(IrOp::kReturn);
}

void Translator::EmitBranch(uint32_t depth) {
  if (depth == controls_.size() - 1) {
    EmitReturn();
    return;
  }
  Control& target = LabelAt(depth);
  EmitBranchMoves(target);
  EmitJump(target);
}

// Emits a conditional branch on the value at the top of the stack (already
// popped into `compare_` or the caller's view): when `jump_if_true` the
// branch is taken when the condition holds. Fuses a pending compare.
// Exactly one of `fixup` (forward: filled in) or `backward_target` is used.
void Translator::EmitConditionalBranch(bool jump_if_true, Fixup* fixup,
                                       int32_t backward_target) {
  const uint32_t cond_pos = Top();
  const Entry cond = stack_[cond_pos];
  PendingCompare compare = compare_;
  const bool fuse = compare.valid && compare.stack_pos == cond_pos &&
                    compare.end == Here() && cond.kind == Entry::Kind::kTemp;
  stack_.pop_back();
  uint32_t start;
  if (fuse) {
    // Drop the compare instruction and branch on its operands instead.
    code_.resize(compare.instr);
    offsets_.resize(compare.offsets_size);
    Opcode op = compare.op;
    if (op == Opcode::kI32Eqz || op == Opcode::kI64Eqz) {
      const bool wide = op == Opcode::kI64Eqz;
      // eqz(x) true  <=>  x == 0.
      const bool branch_on_zero = jump_if_true;
      start = Here();
      Op(wide ? (branch_on_zero ? IrOp::kBrIfI64Eqz : IrOp::kBrIfI64Nez)
              : (branch_on_zero ? IrOp::kBrIfEqz : IrOp::kBrIfNez));
      U32(compare.a);
    } else if (last_add_.valid && last_add_.end == compare.instr && last_add_.dst == compare.a &&
               !BranchFormsOf(op)->wide_imm) {
      // `i = i + k; if (i < n)`: one instruction for the add and the branch.
      const LastAdd add = last_add_;
      code_.resize(add.instr);
      offsets_.resize(add.offsets_size);
      if (!jump_if_true) op = BranchFormsOf(op)->negated;
      start = Here();
      Op(AddBranchFormOf(op, compare.b_is_imm));
      U32(add.dst);
      U32(add.src);
      U32(add.imm);
      U32(compare.b_is_imm ? static_cast<uint32_t>(compare.imm) : compare.b);
      last_add_.valid = false;
    } else {
      if (!jump_if_true) op = BranchFormsOf(op)->negated;
      const BranchForms& forms = *BranchFormsOf(op);
      start = Here();
      if (compare.b_is_imm) {
        Op(forms.slot_imm);
        U32(compare.a);
        if (forms.wide_imm) {
          Raw<uint64_t>(compare.imm);
        } else {
          U32(static_cast<uint32_t>(compare.imm));
        }
      } else {
        Op(forms.slot_slot);
        U32(compare.a);
        U32(compare.b);
      }
    }
  } else {
    stack_.push_back(cond);  // SlotOf may need to materialize it
    const uint32_t slot = SlotOf(cond_pos);
    stack_.pop_back();
    start = Here();
    Op(jump_if_true ? IrOp::kBrIfNez : IrOp::kBrIfEqz);
    U32(Offset(slot));
  }
  if (fixup) {
    *fixup = {Here(), start};
    Raw<int32_t>(0);
  } else {
    Raw<int32_t>(backward_target - static_cast<int32_t>(start));
  }
}

void Translator::TranslateBrIf(uint32_t depth) {
  const bool is_return = depth == controls_.size() - 1;
  // Values stay on the stack for the fall-through path, so a branch that
  // must move them does it on the taken path only.
  bool needs_moves;
  if (is_return) {
    needs_moves = true;
  } else {
    // Check with the condition popped.
    const Entry cond = stack_.back();
    stack_.pop_back();
    needs_moves = NeedsMoves(LabelAt(depth));
    stack_.push_back(cond);
  }
  if (needs_moves) {
    Fixup skip;
    EmitConditionalBranch(false, &skip, 0);
    EmitBranch(depth);
    Patch(skip, Here());
    Label();
    return;
  }
  Control& target = LabelAt(depth);
  if (target.opcode == Opcode::kLoop) {
    EmitConditionalBranch(true, nullptr, static_cast<int32_t>(target.loop_label));
  } else {
    Fixup fixup;
    EmitConditionalBranch(true, &fixup, 0);
    target.end_fixups.push_back(fixup);
  }
}

void Translator::TranslateIf() {
  std::span<const ValType> params, results;
  BlockSignature(instr_.block, params, results);
  // Materialize everything except the condition first; the pending compare
  // (if any) stays fusable because materialization only writes slots below
  // the condition's position.
  const PendingCompare compare = compare_;
  const uint32_t height = static_cast<uint32_t>(stack_.size()) - 1 -
                          static_cast<uint32_t>(params.size());
  const Entry cond = stack_.back();
  stack_.pop_back();
  MaterializeLocalRefs();
  MaterializeRange(height, static_cast<uint32_t>(stack_.size()));
  stack_.push_back(cond);
  compare_ = compare;  // still fusable if materialization emitted nothing
  Control control;
  control.opcode = Opcode::kIf;
  control.height = height;
  control.params = params;
  control.results = results;
  control.reachable_at_entry = true;
  EmitConditionalBranch(false, &control.else_fixup, 0);
  control.has_else_fixup = true;
  controls_.push_back(std::move(control));
  Label();
}

void Translator::TranslateElse() {
  Control& control = controls_.back();
  if (control.dead) return;
  if (reachable_) {
    MaterializeRange(control.height, static_cast<uint32_t>(stack_.size()));
    EmitJump(control);
  }
  Patch(control.else_fixup, Here());
  control.has_else_fixup = false;
  control.opcode = Opcode::kElse;
  stack_.resize(control.height);
  for (ValType type : control.params) PushTemp(type);
  reachable_ = control.reachable_at_entry;
  Label();
}

void Translator::TranslateEnd() {
  Control control = std::move(controls_.back());
  controls_.pop_back();
  if (control.dead) return;
  if (controls_.empty() && control.end_fixups.empty()) {
    // The function's end, reached only by falling through: return the
    // values from wherever they are.
    if (reachable_) EmitReturn();
    return;
  }
  if (reachable_) MaterializeRange(control.height, static_cast<uint32_t>(stack_.size()));
  bool reachable = reachable_ || !control.end_fixups.empty();
  if (control.has_else_fixup) {  // an `if` without `else`
    Patch(control.else_fixup, Here());
    reachable = reachable || control.reachable_at_entry;
  }
  for (const Fixup& fixup : control.end_fixups) Patch(fixup, Here());
  stack_.resize(control.height);
  for (ValType type : control.results) PushTemp(type);
  reachable_ = reachable;
  Label();
  if (controls_.empty() && reachable_) EmitReturn();
}

void Translator::TranslateBrTable() {
  const auto targets = instrs_.br_targets();  // copy: stubs need it after reads
  const uint32_t index_slot = SlotOf(Top());
  stack_.pop_back();
  const uint32_t start = Here();
  Op(IrOp::kBrTable);
  U32(Offset(index_slot));
  U32(static_cast<uint32_t>(targets.size() - 1));
  const uint32_t table = Here();
  for (size_t i = 0; i < targets.size(); ++i) Raw<int32_t>(0);
  // Each target either jumps straight to its label or to a stub after the
  // table that moves the values first.
  for (size_t i = 0; i < targets.size(); ++i) {
    const uint32_t depth = targets[i];
    const Fixup entry{table + static_cast<uint32_t>(i) * 4, start};
    const bool is_return = depth == controls_.size() - 1;
    if (!is_return && !NeedsMoves(LabelAt(depth))) {
      Control& target = LabelAt(depth);
      if (target.opcode == Opcode::kLoop) {
        Patch(entry, target.loop_label);
      } else {
        target.end_fixups.push_back(entry);
      }
      continue;
    }
    Patch(entry, Here());
    Label();
    EmitBranch(depth);
  }
}

void Translator::TranslateUnary(IrOp op) {
  const uint32_t pos = Top();
  const ValType result = ResultType();
  if (op == IrOp::kCopy) {
    // A reinterpretation: same bits, new type; no code for lazy entries.
    stack_[pos].type = result;
    return;
  }
  const uint32_t source = SlotOf(pos);
  stack_[pos] = {Entry::Kind::kTemp, result, 0, 0};
  const uint32_t dst = TempSlot(pos);
  const size_t offsets_before = offsets_.size();
  const uint32_t start = Here();
  Op(op);
  const uint32_t dst_field = Here();
  U32(Offset(dst));
  U32(Offset(source));
  Produced(dst_field, pos);
  if (instr_.op == Opcode::kI32Eqz || instr_.op == Opcode::kI64Eqz) {
    compare_ = {true, start, Here(), pos, instr_.op, Offset(source), false, 0, 0,
                offsets_before};
  }
}

void Translator::TranslateBinary(const BinaryForms& forms) {
  const uint32_t b_pos = Top();
  const uint32_t a_pos = b_pos - 1;
  Entry& a = stack_[a_pos];
  Entry& b = stack_[b_pos];
  if (instr_.op == Opcode::kI32Add && TryDeferAdd(a_pos, b)) {
    stack_.pop_back();
    return;
  }
  const ValType result = ResultType();
  IrOp op;
  uint32_t first;
  bool has_imm = false;
  uint64_t imm = 0;
  uint32_t second = 0;
  Opcode compare_op = instr_.op;
  const bool imm_first_form = [&] {
    if (b.kind == Entry::Kind::kConst) return false;
    if (a.kind != Entry::Kind::kConst) return false;
    return true;
  }();
  if (b.kind == Entry::Kind::kConst) {
    op = forms.slot_imm;
    first = SlotOf(a_pos);
    has_imm = true;
    imm = b.value;
  } else if (imm_first_form && (forms.commutative || forms.swapped != Opcode::kNop)) {
    // c OP x  ==  x OP' c
    if (forms.swapped != Opcode::kNop && !forms.commutative) {
      compare_op = forms.swapped;
      op = BinaryFormsOf(compare_op)->slot_imm;
    } else {
      op = forms.slot_imm;
    }
    first = SlotOf(b_pos);
    has_imm = true;
    imm = a.value;
  } else if (imm_first_form && forms.imm_slot != kNoIrOp) {
    imm = a.value;
    first = SlotOf(b_pos);
    stack_.pop_back();
    stack_[a_pos] = {Entry::Kind::kTemp, result, 0, 0};
    const uint32_t dst = TempSlot(a_pos);
    Op(forms.imm_slot);
    const uint32_t dst_field = Here();
    U32(Offset(dst));
    if (forms.wide_imm) {
      Raw<uint64_t>(imm);
    } else {
      U32(static_cast<uint32_t>(imm));
    }
    U32(Offset(first));
    Produced(dst_field, a_pos);
    return;
  } else {
    op = forms.slot_slot;
    first = SlotOf(a_pos);
    second = SlotOf(b_pos);
  }
  stack_.pop_back();
  stack_[a_pos] = {Entry::Kind::kTemp, result, 0, 0};
  const uint32_t dst = TempSlot(a_pos);
  const size_t offsets_before = offsets_.size();
  const uint32_t start = Here();
  Op(op);
  const uint32_t dst_field = Here();
  U32(Offset(dst));
  U32(Offset(first));
  if (has_imm) {
    if (forms.wide_imm) {
      Raw<uint64_t>(imm);
    } else {
      U32(static_cast<uint32_t>(imm));
    }
  } else {
    U32(Offset(second));
  }
  Produced(dst_field, a_pos);
  if (BranchFormsOf(compare_op)) {
    compare_ = {true,    start, Here(), a_pos,          compare_op, Offset(first),
                has_imm, Offset(second), imm, offsets_before};
  }
}

// Turns `a + b` on locals and constants into a lazy kSum entry in place of
// `a` (or a constant when both are constants).
// Turns `a + b` into a lazy kSum entry in place of `a` (or a constant when
// both are constants). Operands must be locals, constants, or `a`'s own
// temporary: that slot is the sum's home, which nothing else writes while
// the sum is on the stack. `b` in a temporary would be clobbered by the
// next push, so that case is computed right away.
bool Translator::TryDeferAdd(uint32_t a_pos, const Entry& b) {
  using Kind = Entry::Kind;
  if (a_pos >= kMaxLazyPosition) return false;
  Entry& a = stack_[a_pos];
  if (a.kind == Kind::kConst && b.kind == Kind::kConst) {
    a.value = static_cast<uint32_t>(a.value + b.value);
    return true;
  }
  Entry sum;
  sum.kind = Kind::kSum;
  sum.type = ValType::kI32;
  if (a.kind == Kind::kConst) {
    if (b.kind != Kind::kLocal) return false;
    sum.local = b.local;
    sum.b_is_imm = true;
    sum.value = static_cast<uint32_t>(a.value);
  } else {
    if (a.kind == Kind::kLocal) {
      sum.local = a.local;
    } else if (a.kind == Kind::kTemp) {
      sum.local = TempSlot(a_pos);
    } else {
      return false;  // a nested sum: compute it
    }
    if (b.kind == Kind::kLocal) {
      sum.local_b = b.local;
    } else if (b.kind == Kind::kConst) {
      sum.b_is_imm = true;
      sum.value = static_cast<uint32_t>(b.value);
    } else {
      return false;
    }
  }
  a = sum;
  return true;
}

void Translator::TranslateLoad(IrOp op) {
  const uint32_t pos = Top();
  Entry& address = stack_[pos];
  uint32_t address_slot;
  uint64_t offset = instr_.index2;
  if (address.kind == Entry::Kind::kSum) {
    const Entry sum = address;
    stack_[pos] = {Entry::Kind::kTemp, ResultType(), 0, 0};
    const uint32_t dst = TempSlot(pos);
    const IrOp fused = LoadAddFormOf(instr_.op, sum.b_is_imm);
    Op(fused);
    const uint32_t dst_field = Here();
    U32(Offset(dst));
    U32(Offset(sum.local));
    U32(sum.b_is_imm ? static_cast<uint32_t>(sum.value) : Offset(sum.local_b));
    U32(instr_.index2);
    Produced(dst_field, pos);
    return;
  }
  if (address.kind == Entry::Kind::kConst) {
    offset += static_cast<uint32_t>(address.value);
    address_slot = zero_slot_;
  } else {
    address_slot = SlotOf(pos);
  }
  stack_[pos] = {Entry::Kind::kTemp, ResultType(), 0, 0};
  if (offset > UINT32_MAX) {
    // A constant address past 4 GiB: always out of bounds.
    Op(IrOp::kTrap);
    U32(static_cast<uint32_t>(TrapKind::kMemoryOutOfBounds));
    return;
  }
  const uint32_t dst = TempSlot(pos);
  Op(op);
  const uint32_t dst_field = Here();
  U32(Offset(dst));
  U32(Offset(address_slot));
  U32(static_cast<uint32_t>(offset));
  Produced(dst_field, pos);
}

void Translator::TranslateStore() {
  const uint32_t value_pos = Top();
  const uint32_t address_pos = value_pos - 1;
  const Entry value = stack_[value_pos];
  const Entry address = stack_[address_pos];
  uint64_t offset = instr_.index2;
  uint32_t address_slot;
  if (address.kind == Entry::Kind::kSum) {
    const bool value_is_imm = value.kind == Entry::Kind::kConst;
    const uint32_t value_slot = value_is_imm ? 0 : SlotOf(value_pos);
    Op(StoreAddFormOf(instr_.op, address.b_is_imm, value_is_imm));
    U32(Offset(address.local));
    U32(address.b_is_imm ? static_cast<uint32_t>(address.value) : Offset(address.local_b));
    if (!value_is_imm) {
      U32(Offset(value_slot));
    } else if (StoreImmIsWide(instr_.op)) {
      Raw<uint64_t>(value.value);
    } else {
      U32(static_cast<uint32_t>(value.value));
    }
    U32(instr_.index2);
    stack_.resize(address_pos);
    return;
  }
  if (address.kind == Entry::Kind::kConst) {
    offset += static_cast<uint32_t>(address.value);
    address_slot = zero_slot_;
  } else {
    address_slot = SlotOf(address_pos);
  }
  if (offset > UINT32_MAX) {
    stack_.resize(address_pos);
    Op(IrOp::kTrap);
    U32(static_cast<uint32_t>(TrapKind::kMemoryOutOfBounds));
    return;
  }
  if (value.kind == Entry::Kind::kConst) {
    Op(StoreImmFormOf(instr_.op));
    U32(Offset(address_slot));
    if (StoreImmIsWide(instr_.op)) {
      Raw<uint64_t>(value.value);
    } else {
      U32(static_cast<uint32_t>(value.value));
    }
    U32(static_cast<uint32_t>(offset));
  } else {
    const uint32_t value_slot = SlotOf(value_pos);
    Op(StoreFormOf(instr_.op));
    U32(Offset(address_slot));
    U32(Offset(value_slot));
    U32(static_cast<uint32_t>(offset));
  }
  stack_.resize(address_pos);
}

void Translator::TranslateLocalSet(bool tee) {
  const uint32_t local = instr_.index;
  const uint32_t pos = Top();
  const Entry value = stack_[pos];
  if (value.kind == Entry::Kind::kConst && value.value == 0 && local < known_zero_.size() &&
      known_zero_[local]) {
    if (!tee) stack_.pop_back();  // the local still holds its initial zero
    return;
  }
  WroteLocal(local);
  bool others_refer = false;
  for (uint32_t i = 0; i < std::min(pos, kMaxLazyPosition); ++i) {
    if (stack_[i].RefersTo(local)) others_refer = true;
  }
  if (value.kind == Entry::Kind::kTemp && producer_.valid && producer_.stack_pos == pos &&
      !others_refer) {
    // Let the instruction that produced the value write the local directly.
    WriteAt<uint32_t>(code_.data() + producer_.dst_field, Offset(local));
    producer_.valid = false;
    compare_.valid = false;
    if (tee) {
      stack_[pos] = {Entry::Kind::kLocal, value.type, local, 0};
      if (pos >= kMaxLazyPosition) Materialize(pos);
    } else {
      stack_.pop_back();
    }
    return;
  }
  PreserveLocal(local, pos);
  if (value.kind == Entry::Kind::kLocal && value.local == local) {
    if (!tee) stack_.pop_back();
    return;
  }
  EmitMove(local, value, pos);
  if (!tee) {
    stack_.pop_back();
  } else if (value.kind == Entry::Kind::kSum) {
    stack_[pos] = {Entry::Kind::kLocal, value.type, local, 0};  // the sum now lives there
    if (pos >= kMaxLazyPosition) Materialize(pos);
  }
}

void Translator::TranslateCall(IrOp op, uint32_t index, const FuncType& callee,
                               const FuncType* canonical, bool indirect) {
  const uint32_t params = static_cast<uint32_t>(callee.params.size());
  const uint32_t args_end = static_cast<uint32_t>(stack_.size()) - (indirect ? 1 : 0);
  const uint32_t first = args_end - params;
  MaterializeRange(first, args_end);
  const uint32_t arg_base = Offset(TempSlot(first));
  if (indirect) {
    const uint32_t index_slot = SlotOf(Top());
    Op(IrOp::kCallIndirect);
    U32(index);  // table
    U32(arg_base);
    U32(Offset(index_slot));
    Raw<const FuncType*>(canonical);
  } else if (op == IrOp::kCall) {
    Op(IrOp::kCall);
    Raw<CodeSlot*>(&compiled_.code_slot(index - module_.num_imported_functions));
    U32(arg_base);
  } else {
    Op(IrOp::kCallImport);
    U32(index);
    U32(arg_base);
  }
  stack_.resize(first);
  for (ValType type : callee.results) PushTemp(type);
}

void Translator::TranslateSelect() {
  const uint32_t cond_pos = Top();
  const uint32_t b_pos = cond_pos - 1;
  const uint32_t a_pos = cond_pos - 2;
  const uint32_t cond = SlotOf(cond_pos);
  const uint32_t b = SlotOf(b_pos);
  const uint32_t a = SlotOf(a_pos);
  const ValType type = stack_[a_pos].type;
  stack_.resize(a_pos);
  stack_.push_back({Entry::Kind::kTemp, type, 0, 0});
  const uint32_t dst = TempSlot(a_pos);
  Op(IrOp::kSelect);
  const uint32_t dst_field = Here();
  U32(Offset(dst));
  U32(Offset(cond));
  U32(Offset(a));
  U32(Offset(b));
  Produced(dst_field, a_pos);
}

// Emits `op D operands...` for an instruction whose operands are the top
// `count` stack entries and that pushes one result of `result` type.
#define SPINDLE_POP_OPERANDS(count)                                  \
  uint32_t operand[3] = {0, 0, 0};                                   \
  const uint32_t base_pos = static_cast<uint32_t>(stack_.size()) - (count); \
  for (uint32_t i = 0; i < (count); ++i) operand[i] = Offset(SlotOf(base_pos + i)); \
  stack_.resize(base_pos)

void Translator::TranslateMisc() {
  switch (instr_.op) {
    case Opcode::kGlobalGet: {
      PushTemp(module_.GlobalTypeAt(instr_.index).type);
      Op(IrOp::kGlobalGet);
      const uint32_t dst_field = Here();
      U32(Offset(TempSlot(Top())));
      U32(instr_.index);
      Produced(dst_field, Top());
      return;
    }
    case Opcode::kGlobalSet: {
      SPINDLE_POP_OPERANDS(1);
      Op(IrOp::kGlobalSet);
      U32(instr_.index);
      U32(operand[0]);
      return;
    }
    case Opcode::kMemorySize: {
      PushTemp(ValType::kI32);
      Op(IrOp::kMemorySize);
      const uint32_t dst_field = Here();
      U32(Offset(TempSlot(Top())));
      Produced(dst_field, Top());
      return;
    }
    case Opcode::kMemoryGrow: {
      SPINDLE_POP_OPERANDS(1);
      PushTemp(ValType::kI32);
      Op(IrOp::kMemoryGrow);
      U32(Offset(TempSlot(Top())));
      U32(operand[0]);
      return;
    }
    case Opcode::kMemoryCopy:
    case Opcode::kMemoryFill: {
      SPINDLE_POP_OPERANDS(3);
      Op(instr_.op == Opcode::kMemoryCopy ? IrOp::kMemoryCopy : IrOp::kMemoryFill);
      U32(operand[0]);
      U32(operand[1]);
      U32(operand[2]);
      return;
    }
    case Opcode::kMemoryInit: {
      SPINDLE_POP_OPERANDS(3);
      Op(IrOp::kMemoryInit);
      U32(instr_.index);
      U32(operand[0]);
      U32(operand[1]);
      U32(operand[2]);
      return;
    }
    case Opcode::kDataDrop:
    case Opcode::kElemDrop:
      Op(instr_.op == Opcode::kDataDrop ? IrOp::kDataDrop : IrOp::kElemDrop);
      U32(instr_.index);
      return;
    case Opcode::kRefNull:
      stack_.push_back({Entry::Kind::kConst, instr_.type, 0, 0});
      TempSlot(Top());
      return;
    case Opcode::kRefIsNull: {
      SPINDLE_POP_OPERANDS(1);
      PushTemp(ValType::kI32);
      Op(IrOp::kRefIsNull);
      const uint32_t dst_field = Here();
      U32(Offset(TempSlot(Top())));
      U32(operand[0]);
      Produced(dst_field, Top());
      return;
    }
    case Opcode::kRefFunc: {
      PushTemp(ValType::kFuncRef);
      Op(IrOp::kRefFunc);
      const uint32_t dst_field = Here();
      U32(Offset(TempSlot(Top())));
      U32(instr_.index);
      Produced(dst_field, Top());
      return;
    }
    case Opcode::kTableGet: {
      SPINDLE_POP_OPERANDS(1);
      PushTemp(module_.TableTypeAt(instr_.index).element);
      Op(IrOp::kTableGet);
      U32(Offset(TempSlot(Top())));
      U32(instr_.index);
      U32(operand[0]);
      return;
    }
    case Opcode::kTableSet: {
      SPINDLE_POP_OPERANDS(2);
      Op(IrOp::kTableSet);
      U32(instr_.index);
      U32(operand[0]);
      U32(operand[1]);
      return;
    }
    case Opcode::kTableSize:
      PushTemp(ValType::kI32);
      Op(IrOp::kTableSize);
      U32(Offset(TempSlot(Top())));
      U32(instr_.index);
      return;
    case Opcode::kTableGrow: {
      SPINDLE_POP_OPERANDS(2);
      PushTemp(ValType::kI32);
      Op(IrOp::kTableGrow);
      U32(Offset(TempSlot(Top())));
      U32(instr_.index);
      U32(operand[0]);
      U32(operand[1]);
      return;
    }
    case Opcode::kTableFill: {
      SPINDLE_POP_OPERANDS(3);
      Op(IrOp::kTableFill);
      U32(instr_.index);
      U32(operand[0]);
      U32(operand[1]);
      U32(operand[2]);
      return;
    }
    case Opcode::kTableCopy: {
      SPINDLE_POP_OPERANDS(3);
      Op(IrOp::kTableCopy);
      U32(instr_.index);
      U32(instr_.index2);
      U32(operand[0]);
      U32(operand[1]);
      U32(operand[2]);
      return;
    }
    case Opcode::kTableInit: {
      SPINDLE_POP_OPERANDS(3);
      Op(IrOp::kTableInit);
      U32(instr_.index);
      U32(instr_.index2);
      U32(operand[0]);
      U32(operand[1]);
      U32(operand[2]);
      return;
    }
    default:
      return;
  }
}
#undef SPINDLE_POP_OPERANDS

void Translator::Step() {
  if (!reachable_) {
    // Dead code: only the nesting structure matters.
    switch (instr_.op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf: {
        Control control;
        control.dead = true;
        controls_.push_back(std::move(control));
        return;
      }
      case Opcode::kElse:
        TranslateElse();
        return;
      case Opcode::kEnd:
        TranslateEnd();
        return;
      default:
        return;
    }
  }
  switch (instr_.op) {
    case Opcode::kUnreachable:
      Op(IrOp::kTrap);
      U32(static_cast<uint32_t>(TrapKind::kUnreachable));
      reachable_ = false;
      return;
    case Opcode::kNop:
      return;
    case Opcode::kBlock:
    case Opcode::kLoop: {
      std::span<const ValType> params, results;
      BlockSignature(instr_.block, params, results);
      const uint32_t height = static_cast<uint32_t>(stack_.size() - params.size());
      MaterializeLocalRefs();
      MaterializeRange(height, static_cast<uint32_t>(stack_.size()));
      Control control;
      control.opcode = instr_.op;
      control.height = height;
      control.params = params;
      control.results = results;
      control.loop_label = Here();
      controls_.push_back(std::move(control));
      Label();
      return;
    }
    case Opcode::kIf:
      TranslateIf();
      return;
    case Opcode::kElse:
      TranslateElse();
      return;
    case Opcode::kEnd:
      TranslateEnd();
      return;
    case Opcode::kBr:
      EmitBranch(instr_.index);
      reachable_ = false;
      return;
    case Opcode::kBrIf:
      TranslateBrIf(instr_.index);
      return;
    case Opcode::kBrTable:
      TranslateBrTable();
      reachable_ = false;
      return;
    case Opcode::kReturn:
      EmitReturn();
      reachable_ = false;
      return;
    case Opcode::kCall: {
      const bool imported = instr_.index < module_.num_imported_functions;
      TranslateCall(imported ? IrOp::kCallImport : IrOp::kCall, instr_.index,
                    module_.FunctionType(instr_.index), nullptr, false);
      return;
    }
    case Opcode::kCallIndirect:
      TranslateCall(IrOp::kCallIndirect, instr_.index2, module_.types[instr_.index],
                    compiled_.canonical_type(instr_.index), true);
      return;
    case Opcode::kDrop:
      stack_.pop_back();
      return;
    case Opcode::kSelect:
    case Opcode::kSelectT:
      TranslateSelect();
      return;
    case Opcode::kLocalGet: {
      stack_.push_back({Entry::Kind::kLocal, local_types_[instr_.index], instr_.index, 0});
      TempSlot(Top());
      if (Top() >= kMaxLazyPosition) Materialize(Top());
      return;
    }
    case Opcode::kLocalSet:
      TranslateLocalSet(false);
      return;
    case Opcode::kLocalTee:
      TranslateLocalSet(true);
      return;
    case Opcode::kI32Const:
      stack_.push_back({Entry::Kind::kConst, ValType::kI32, 0, instr_.bits});
      TempSlot(Top());
      return;
    case Opcode::kI64Const:
      stack_.push_back({Entry::Kind::kConst, ValType::kI64, 0, instr_.bits});
      TempSlot(Top());
      return;
    case Opcode::kF32Const:
      stack_.push_back({Entry::Kind::kConst, ValType::kF32, 0, instr_.bits});
      TempSlot(Top());
      return;
    case Opcode::kF64Const:
      stack_.push_back({Entry::Kind::kConst, ValType::kF64, 0, instr_.bits});
      TempSlot(Top());
      return;
    default:
      break;
  }
  if (const BinaryForms* forms = BinaryFormsOf(instr_.op)) {
    TranslateBinary(*forms);
    return;
  }
  if (const IrOp unary = UnaryFormOf(instr_.op); unary != kNoIrOp) {
    TranslateUnary(unary);
    return;
  }
  if (const IrOp load = LoadFormOf(instr_.op); load != kNoIrOp) {
    TranslateLoad(load);
    return;
  }
  if (StoreFormOf(instr_.op) != kNoIrOp) {
    TranslateStore();
    return;
  }
  TranslateMisc();
}

std::unique_ptr<InterpCode> Translator::Run() {
  local_types_.assign(type_.params.begin(), type_.params.end());
  for (const LocalGroup& group : body_.locals) {
    local_types_.insert(local_types_.end(), group.count, group.type);
  }
  max_slots_ = std::max<uint32_t>(temp_base_, static_cast<uint32_t>(type_.results.size()));
  known_zero_.assign(param_slots_ + local_slots_, false);
  std::fill(known_zero_.begin() + param_slots_, known_zero_.end(), true);
  any_known_zero_ = local_slots_ > 0;
  code_.reserve(body_.code.size() * 4);

  Control function;
  function.opcode = Opcode::kBlock;
  function.height = 0;
  function.results = type_.results;
  controls_.push_back(std::move(function));
  while (!controls_.empty()) {
    if (!instrs_.Next(instr_)) return nullptr;  // cannot happen after validation
    Step();
  }

  auto code = std::make_unique<InterpCode>();
  code->code = std::move(code_);
  code->code.shrink_to_fit();
  code->offsets = std::move(offsets_);
  code->param_slots = param_slots_;
  code->local_slots = local_slots_ + 1;  // locals and the zero slot
  code->frame_slots = std::max(max_slots_, static_cast<uint32_t>(type_.results.size()));
  return code;
}

}  // namespace

std::unique_ptr<InterpCode> TranslateFunction(const CompiledModule& module,
                                              uint32_t defined_index) {
  Translator translator(module, defined_index);
  return translator.Run();
}

const InterpCode* EnsureTranslated(CodeSlot& slot) {
  const InterpCode* code = slot.interp.load(std::memory_order_acquire);
  if (code) return code;
  std::lock_guard<std::mutex> lock(slot.module->translation_mutex());
  code = slot.interp.load(std::memory_order_acquire);
  if (code) return code;
  auto translated = TranslateFunction(*slot.module, slot.defined_index);
  if (!translated) return nullptr;
  return slot.module->PublishInterpCode(slot, std::move(translated));
}

}  // namespace spindle::interp
