// Which engine tier runs a module's code.
//   interp  the interpreter only
//   llvm    native code before the first request (compiled or cached)
//   auto    serve at once on the interpreter, compile in the background,
//           new instances switch to native code when it is ready
#pragma once

#include <optional>
#include <string_view>

namespace spindle::tier {

enum class Tier { kInterp, kLlvm, kAuto };

std::optional<Tier> ParseTier(std::string_view text);
const char* TierName(Tier tier);

}  // namespace spindle::tier
