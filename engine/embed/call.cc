#include "engine/embed/call.h"

#include <algorithm>
#include <cstdio>

#include "engine/interp/executor.h"
#include "engine/native/executor.h"
#include "engine/rt/exec_state.h"
#include "engine/rt/instance.h"

namespace spindle {
namespace {

constexpr uint32_t kMaxNestedEntries = 256;

std::string DescribeFrame(const CodeSlot& slot, uint32_t module_offset) {
  const CompiledModule& module = *slot.module;
  char offset[32];
  std::snprintf(offset, sizeof offset, "0x%x", module_offset);
  std::string where = module.name().empty() ? std::string("wasm") : module.name();
  return module.FunctionDisplayName(slot.function_index) + " (" + where + " at offset " + offset +
         ")";
}

// Frames from the innermost outwards, stopping at `base` (exclusive).
std::vector<std::string> Backtrace(const ExecState& state, const CallFrame* base,
                                   const uint8_t* trap_ip) {
  std::vector<std::string> frames;
  const uint8_t* ip = trap_ip;
  for (const CallFrame* frame = state.frame_top; frame > base; --frame) {
    const CodeSlot& slot = *frame->callee;
    const InterpCode* code = slot.interp.load(std::memory_order_acquire);
    uint32_t module_offset = 0;
    if (code && ip && ip >= code->code.data() && ip < code->code.data() + code->code.size()) {
      module_offset = code->ModuleOffsetAt(static_cast<uint32_t>(ip - code->code.data()));
    } else if (code) {
      module_offset = slot.module->module().functions[slot.defined_index].code_offset;
    }
    frames.push_back(DescribeFrame(slot, module_offset));
    // The caller resumes just after its call instruction.
    ip = frame->return_ip ? frame->return_ip - 1 : nullptr;
  }
  return frames;
}

Error TrapError(TrapKind kind, const interp::TrapDetails& details,
                std::vector<std::string> backtrace) {
  std::string message;
  switch (kind) {
    case TrapKind::kHostError:
      message = details.message.empty() ? TrapMessage(kind) : details.message;
      break;
    case TrapKind::kExit:
      message = "exit with status " + std::to_string(details.exit_code);
      break;
    case TrapKind::kUndefinedElement:
    case TrapKind::kUninitializedElement:
      // The spec suite's wording names the table index: "uninitialized element 2".
      message = TrapMessage(kind);
      if (!details.message.empty()) message += " " + details.message;
      break;
    default:
      message = TrapMessage(kind);
      if (!details.message.empty()) message += ": " + details.message;
  }
  Error error = MakeError(Phase::kRuntime, std::move(message));
  error.trap_code = static_cast<int32_t>(kind);
  error.exit_code = details.exit_code;
  error.backtrace = std::move(backtrace);
  return error;
}

Status CallWithSlots(Store& store, Function* function, ExecState& state, uint64_t* slots) {
  if (function->is_host()) {
    interp::TrapDetails details;
    const TrapKind kind = interp::CallHost(store, nullptr, function, slots, details);
    return kind == TrapKind::kNone ? Ok() : TrapError(kind, details, {});
  }
  // Each host -> wasm entry nests a native interpreter frame; cap the
  // nesting so that host/guest ping-pong cannot overflow the native stack.
  if (state.entry_depth >= kMaxNestedEntries) {
    return TrapError(TrapKind::kCallStackExhausted, {}, {});
  }
  CallFrame* const base = state.frame_top;
  uint64_t* const saved_top = state.stack_top;
  ++state.entry_depth;
  interp::TrapDetails details;
  const TrapKind kind = function->instance->vmctx
                            ? native::Execute(state, store, function, slots, details)
                            : interp::Execute(state, store, function, slots, details);
  Status status;
  if (kind != TrapKind::kNone) {
    std::vector<std::string> backtrace;
    if (details.native_function >= 0) {
      // Compiled code keeps no frame chain: name the function that trapped.
      const CompiledModule& module = function->instance->module();
      const uint32_t index = static_cast<uint32_t>(details.native_function);
      const CodeSlot& slot = module.code_slot(index - module.module().num_imported_functions);
      backtrace.push_back(
          DescribeFrame(slot, module.module().functions[slot.defined_index].code_offset));
    } else if (!function->instance->vmctx) {
      backtrace = Backtrace(state, base, details.ip);
    }
    status = TrapError(kind, details, std::move(backtrace));
  }
  state.frame_top = base;
  state.stack_top = saved_top;
  --state.entry_depth;
  return status;
}

}  // namespace

Result<std::vector<Value>> Call(Store& store, Function* function, std::span<const Value> args) {
  if (!function) return MakeError(Phase::kUsage, "call of a null function");
  const FuncType& type = *function->type;
  if (args.size() != type.params.size()) {
    return MakeError(Phase::kUsage, "expected " + std::to_string(type.params.size()) +
                                        " arguments, got " + std::to_string(args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != type.params[i]) {
      return MakeError(Phase::kUsage, "argument " + std::to_string(i) + " has type " +
                                          ValTypeName(args[i].type) + ", expected " +
                                          ValTypeName(type.params[i]));
    }
  }
  ExecState& state = ExecState::ForThisThread(store.engine().config());
  uint64_t* const slots = state.stack_top;
  const size_t count = std::max(type.params.size(), type.results.size());
  if (slots + count > state.stack_end) {
    return TrapError(TrapKind::kCallStackExhausted, {}, {});
  }
  for (size_t i = 0; i < args.size(); ++i) slots[i] = args[i].bits;
  // Keep the slots out of reach of nested entries while the call runs.
  state.stack_top = slots + count;
  Status status = CallWithSlots(store, function, state, slots);
  state.stack_top = slots;
  SPINDLE_TRY(status);
  std::vector<Value> results;
  results.reserve(type.results.size());
  for (size_t i = 0; i < type.results.size(); ++i) {
    Value value{type.results[i], slots[i]};
    if (value.type == ValType::kI32 || value.type == ValType::kF32) {
      value.bits &= 0xffffffffu;
    }
    results.push_back(value);
  }
  return results;
}

TrapKind TrapKindOf(const Error& error) {
  return error.phase == Phase::kRuntime ? static_cast<TrapKind>(error.trap_code)
                                        : TrapKind::kNone;
}

}  // namespace spindle
