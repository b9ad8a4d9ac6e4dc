#include "engine/llvm/compiler.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "engine/llvm/codegen.h"
#include "engine/llvm/object_linker.h"
#include "engine/llvm/partitioner.h"
#include "engine/llvm/symbols.h"

namespace spindle::aot {

Result<CompiledCode> CompileModule(const Module& module, uint32_t opt_level, uint32_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Twice as many partitions as threads evens out partitions that optimize
  // slower than their size predicts.
  const std::vector<Partition> partitions = PartitionFunctions(module, 2 * threads);

  std::vector<std::vector<uint8_t>> objects(partitions.size());
  std::vector<std::optional<Error>> errors(partitions.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < partitions.size(); i = next++) {
      Result<std::vector<uint8_t>> object = CompilePartition(module, partitions[i], opt_level);
      if (object.ok()) {
        objects[i] = std::move(*object);
      } else {
        errors[i] = std::move(object).error();
      }
    }
  };
  const size_t worker_count = std::min<size_t>(threads, partitions.size());
  std::vector<std::thread> workers;
  for (size_t i = 1; i < worker_count; ++i) workers.emplace_back(worker);
  worker();
  for (std::thread& thread : workers) thread.join();
  for (std::optional<Error>& error : errors) {
    if (error) return std::move(*error);
  }

  SPINDLE_ASSIGN_OR_RETURN(LinkedCode linked, LinkObjects(objects));
  CompiledCode code;
  auto offset_of = [&](const std::string& symbol) -> Result<uint64_t> {
    auto it = linked.symbols.find(symbol);
    if (it == linked.symbols.end()) {
      return MakeError(Phase::kValidate, "LLVM tier link: missing symbol " + symbol);
    }
    return it->second;
  };
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    SPINDLE_ASSIGN_OR_RETURN(uint64_t offset,
                             offset_of(FunctionSymbol(module.num_imported_functions + i)));
    code.function_offsets.push_back(offset);
  }
  for (uint32_t t = 0; t < module.types.size(); ++t) {
    SPINDLE_ASSIGN_OR_RETURN(uint64_t offset, offset_of(EntrySymbol(t)));
    code.entry_offsets.push_back(offset);
  }
  code.blob = std::move(linked.blob);
  // A module without code still gets a non-empty blob: a mapping needs at
  // least a byte, and the runtime's loader rejects code_size 0.
  if (code.blob.empty()) code.blob.assign(16, 0xcc);  // int3
  return code;
}

}  // namespace spindle::aot
