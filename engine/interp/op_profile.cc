#include "engine/interp/op_profile.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/interp/disassembler.h"
#include "engine/interp/ir.h"
#include "engine/interp/translator.h"

namespace spindle::interp {
namespace {

class Profile {
 public:
  void Count(const void* handler) {
    if (index_.empty()) {
      for (auto checks : {BoundsChecks::kGuardPages, BoundsChecks::kExplicit}) {
        const void* const* table = HandlerTable(checks);
        for (size_t i = 0; i < static_cast<size_t>(IrOp::kCount); ++i) index_[table[i]] = i;
      }
    }
    const size_t op = index_[handler];
    ++singles_[op];
    if (previous_ != SIZE_MAX) ++pairs_[{previous_, op}];
    previous_ = op;
  }

  ~Profile() {
    uint64_t total = 0;
    for (const auto& [op, count] : singles_) total += count;
    if (total == 0) return;
    std::vector<std::pair<uint64_t, size_t>> singles;
    for (const auto& [op, count] : singles_) singles.emplace_back(count, op);
    std::sort(singles.rbegin(), singles.rend());
    std::vector<std::pair<uint64_t, std::pair<size_t, size_t>>> pairs;
    for (const auto& [ops, count] : pairs_) pairs.emplace_back(count, ops);
    std::sort(pairs.rbegin(), pairs.rend());
    std::fprintf(stderr, "interpreter profile: %llu dispatches\n",
                 static_cast<unsigned long long>(total));
    for (size_t i = 0; i < singles.size() && i < 30; ++i) {
      std::fprintf(stderr, "  %6.2f%%  %s\n", 100.0 * singles[i].first / total,
                   IrOpName(singles[i].second));
    }
    std::fprintf(stderr, "pairs:\n");
    for (size_t i = 0; i < pairs.size() && i < 30; ++i) {
      std::fprintf(stderr, "  %6.2f%%  %s -> %s\n", 100.0 * pairs[i].first / total,
                   IrOpName(pairs[i].second.first), IrOpName(pairs[i].second.second));
    }
  }

 private:
  std::unordered_map<const void*, size_t> index_;
  std::unordered_map<size_t, uint64_t> singles_;
  std::map<std::pair<size_t, size_t>, uint64_t> pairs_;
  size_t previous_ = SIZE_MAX;
};

Profile profile;

}  // namespace

void ProfileDispatch(const void* handler) { profile.Count(handler); }

}  // namespace spindle::interp
