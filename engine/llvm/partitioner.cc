#include "engine/llvm/partitioner.h"

#include <algorithm>
#include <numeric>

namespace spindle::aot {

std::vector<Partition> PartitionFunctions(const Module& module, uint32_t count) {
  const uint32_t num_functions = uint32_t(module.functions.size());
  count = std::max(1u, std::min(count, num_functions));

  std::vector<uint32_t> by_size(num_functions);
  std::iota(by_size.begin(), by_size.end(), 0);
  std::stable_sort(by_size.begin(), by_size.end(), [&](uint32_t a, uint32_t b) {
    return module.functions[a].code.size() > module.functions[b].code.size();
  });

  std::vector<Partition> partitions(count);
  for (uint32_t index : by_size) {
    auto lightest = std::min_element(
        partitions.begin(), partitions.end(),
        [](const Partition& a, const Partition& b) { return a.code_bytes < b.code_bytes; });
    lightest->defined_functions.push_back(index);
    // Every function costs something beyond its bytes (prologue, checks).
    lightest->code_bytes += module.functions[index].code.size() + 16;
  }
  for (Partition& partition : partitions) {
    // Source order keeps related functions near each other in the blob.
    std::sort(partition.defined_functions.begin(), partition.defined_functions.end());
  }
  // The thunks are tiny; they go with the lightest partition.
  std::min_element(partitions.begin(), partitions.end(),
                   [](const Partition& a, const Partition& b) {
                     return a.code_bytes < b.code_bytes;
                   })->has_entry_thunks = true;
  return partitions;
}

}  // namespace spindle::aot
