#include "engine/tier/tier.h"

namespace spindle::tier {

std::optional<Tier> ParseTier(std::string_view text) {
  if (text == "interp") return Tier::kInterp;
  if (text == "llvm") return Tier::kLlvm;
  if (text == "auto") return Tier::kAuto;
  return std::nullopt;
}

const char* TierName(Tier tier) {
  switch (tier) {
    case Tier::kInterp: return "interp";
    case Tier::kLlvm: return "llvm";
    case Tier::kAuto: return "auto";
  }
  return "?";
}

}  // namespace spindle::tier
