#include "engine/base/result.h"

#include <cstdio>

namespace spindle {

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kDecode: return "malformed module";
    case Phase::kValidate: return "invalid module";
    case Phase::kLink: return "link error";
    case Phase::kInstantiate: return "instantiation failed";
    case Phase::kRuntime: return "runtime error";
    case Phase::kIo: return "i/o error";
    case Phase::kUsage: return "usage error";
  }
  return "error";
}

std::string Error::ToString() const {
  std::string out;
  char buffer[64];
  if (!source.empty()) out += source + ": ";
  if (offset >= 0) {
    std::snprintf(buffer, sizeof buffer, "offset 0x%llx: ",
                  static_cast<unsigned long long>(offset));
    out += buffer;
  }
  if (function_index >= 0) {
    std::snprintf(buffer, sizeof buffer, "function %lld: ",
                  static_cast<long long>(function_index));
    out += buffer;
  }
  out += message;
  return out;
}

Error MakeError(Phase phase, std::string message, int64_t offset,
                int64_t function_index) {
  Error error;
  error.phase = phase;
  error.message = std::move(message);
  error.offset = offset;
  error.function_index = function_index;
  return error;
}

}  // namespace spindle
