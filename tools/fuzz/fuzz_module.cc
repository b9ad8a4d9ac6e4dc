// libFuzzer target: decode -> validate -> instantiate -> run.
//
// Any byte string must end in a clean error or a valid module, and running a
// valid module must end in results or a trap: never a crash, a sanitizer
// report, a hang or unbounded memory. Imports are satisfied generically
// (functions that return zeros, fresh memories, tables and globals of the
// imported type); every exported function is called with zero arguments.
// Run time is bounded by epoch interruption, memory by the store's limits.
// Valid modules run twice, with guard-page and with explicit bounds checks,
// and both runs must agree.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <unordered_set>
#include <vector>

#include "engine/embed/call.h"
#include "engine/embed/linker.h"
#include "engine/rt/compiled_module.h"
#include "engine/rt/engine.h"
#include "engine/rt/host_function.h"
#include "engine/rt/store.h"

namespace spindle {
namespace {

// How often the watchdog advances the epoch: the longest a single call can
// run before it traps with kInterrupted.
constexpr auto kEpochTick = std::chrono::milliseconds(2);
// All calls of one input together may use at most this many ticks; the
// remaining exports are skipped, so inputs with thousands of exported
// infinite loops stay far below libFuzzer's -timeout.
constexpr uint64_t kTicksPerInput = 100;

StoreLimits FuzzStoreLimits() {
  StoreLimits limits;
  limits.max_memory_pages = 256;  // 16 MiB
  limits.max_table_elements = 10000;
  limits.max_instances = 1;
  return limits;
}

Engine* NewEngine(BoundsChecks bounds_checks) {
  EngineConfig config;
  config.bounds_checks = bounds_checks;
  // Deep recursion ends quickly and the per-thread stacks stay small.
  config.max_call_depth = 2000;
  config.max_stack_slots = 1u << 16;
  return new Engine(config);
}

// Two engines for the whole run, one per bounds-checking strategy, and a
// watchdog thread that advances their epochs forever. All are leaked on
// purpose: they must outlive every input and must not be torn down while
// libFuzzer exits.
struct Engines {
  Engine* guard_pages;
  Engine* explicit_checks;
};

const Engines& FuzzEngines() {
  static const Engines engines = [] {
    Engines created{NewEngine(BoundsChecks::kGuardPages), NewEngine(BoundsChecks::kExplicit)};
    std::thread([created] {
      for (;;) {
        std::this_thread::sleep_for(kEpochTick);
        created.guard_pages->IncrementEpoch();
        created.explicit_checks->IncrementEpoch();
      }
    }).detach();
    return created;
  }();
  return engines;
}

// The host side of every imported function: zero (or null) results. `env`
// is the import's canonical type, owned by the engine.
void ZeroResults(void* env, Caller& /*caller*/, uint64_t* slots) {
  const auto* type = static_cast<const FuncType*>(env);
  for (size_t i = 0; i < type->results.size(); ++i) slots[i] = 0;
}

// Defines an object of the right kind and type for every import. Returns
// false when an import cannot be satisfied within the store's limits.
bool DefineImports(Engine& engine, Store& store, const CompiledModule& compiled,
                   Linker& linker) {
  for (const Import& import : compiled.module().imports) {
    Extern value;
    std::shared_ptr<HostFunction> host;
    switch (import.kind) {
      case ExternKind::kFunc: {
        const FuncType* type = compiled.canonical_type(import.type_index);
        host = MakeHostFunction(engine, "fuzz.import", *type, &ZeroResults,
                                const_cast<FuncType*>(type), nullptr);
        break;
      }
      case ExternKind::kTable: {
        auto table = store.CreateTable(import.table, 0);
        if (!table.ok()) return false;
        value = Extern::Of(*table);
        break;
      }
      case ExternKind::kMemory: {
        auto memory = store.CreateMemory(import.memory);
        if (!memory.ok()) return false;
        value = Extern::Of(*memory);
        break;
      }
      case ExternKind::kGlobal:
        value = Extern::Of(store.CreateGlobal(import.global, 0));
        break;
    }
    // The same name imported twice with different types cannot be satisfied
    // by one definition: the first stays, and Prepare() reports a link error.
    Status defined = host ? linker.DefineFunction(import.module, import.name, std::move(host))
                          : linker.Define(import.module, import.name, value);
    (void)defined;
  }
  return true;
}

// What one step (instantiation, or one export's call) ended with.
struct Outcome {
  bool ok = false;
  int32_t trap_code = 0;        // when !ok
  std::vector<uint64_t> bits;   // results; references only as null / non-null

  bool operator==(const Outcome& other) const = default;
};

Outcome OutcomeOf(const Result<std::vector<Value>>& result) {
  Outcome outcome;
  if (!result.ok()) {
    outcome.trap_code = result.error().trap_code;
    return outcome;
  }
  outcome.ok = true;
  for (const Value& value : result.value()) {
    // Function references are addresses, different in each store.
    outcome.bits.push_back(IsRefType(value.type) ? uint64_t{value.bits != 0} : value.bits);
  }
  return outcome;
}

bool Interrupted(const Outcome& outcome) {
  return outcome.trap_code == static_cast<int32_t>(TrapKind::kInterrupted);
}

// Instantiates the module in a fresh store and calls every exported function
// once with zero arguments. Returns the outcomes in order, stopping after the
// first interruption, since what follows depends on timing.
std::vector<Outcome> Run(Engine& engine, std::span<const uint8_t> bytes) {
  std::vector<Outcome> outcomes;
  auto compiled = CompiledModule::CompileBytes(engine, bytes, "fuzz");
  if (!compiled.ok()) return outcomes;

  Store store(engine, FuzzStoreLimits());
  Linker linker(engine);
  if (!DefineImports(engine, store, **compiled, linker)) return outcomes;
  auto pre = linker.Prepare(*compiled);
  if (!pre.ok()) return outcomes;

  const uint64_t budget_end = engine.epoch() + kTicksPerInput;
  store.SetEpochDeadline(1);  // the start function
  auto instance = (*pre)->Instantiate(store);
  if (!instance.ok()) {
    Outcome failed;
    failed.trap_code = instance.error().trap_code;
    outcomes.push_back(failed);
    return outcomes;
  }
  outcomes.emplace_back().ok = true;

  const Module& module = (*compiled)->module();
  std::unordered_set<uint32_t> called;
  std::vector<Value> args;
  for (const Export& exported : module.exports) {
    if (exported.kind != ExternKind::kFunc) continue;
    if (!called.insert(exported.index).second) continue;
    if (engine.epoch() >= budget_end) break;
    Function* function = (*instance)->function(exported.index);
    args.clear();
    for (ValType type : function->type->params) args.push_back(Value::Zero(type));
    store.SetEpochDeadline(1);
    // Results and traps (kInterrupted included) are both normal outcomes.
    outcomes.push_back(OutcomeOf(Call(store, function, args)));
    if (Interrupted(outcomes.back())) break;
  }
  return outcomes;
}

// Runs the input under both bounds-checking strategies. They must agree on
// every outcome up to the first interruption or skipped export: a difference
// means one of them checks a bound wrongly (the guard-page fault handler would
// otherwise hide a missing explicit check).
void RunOne(std::span<const uint8_t> bytes) {
  const Engines& engines = FuzzEngines();
  const std::vector<Outcome> guarded = Run(*engines.guard_pages, bytes);
  if (guarded.empty()) return;  // not a module, or not instantiable here
  const std::vector<Outcome> checked = Run(*engines.explicit_checks, bytes);
  const size_t common = std::min(guarded.size(), checked.size());
  for (size_t i = 0; i < common; ++i) {
    if (Interrupted(guarded[i]) || Interrupted(checked[i])) return;
    if (!(guarded[i] == checked[i])) {
      std::fprintf(stderr,
                   "fuzz_module: step %zu differs: guard pages %s (trap %d), explicit %s "
                   "(trap %d)\n",
                   i, guarded[i].ok ? "ok" : "trapped", guarded[i].trap_code,
                   checked[i].ok ? "ok" : "trapped", checked[i].trap_code);
      std::abort();
    }
  }
}

}  // namespace
}  // namespace spindle

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  spindle::RunOne(std::span<const uint8_t>(data, size));
  return 0;
}
