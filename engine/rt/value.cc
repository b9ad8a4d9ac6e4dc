#include "engine/rt/value.h"

#include <cinttypes>
#include <cstdio>

namespace spindle {

std::string Value::ToString() const {
  char buffer[64];
  switch (type) {
    case ValType::kI32:
      std::snprintf(buffer, sizeof buffer, "%" PRId32, i32());
      break;
    case ValType::kI64:
      std::snprintf(buffer, sizeof buffer, "%" PRId64, i64());
      break;
    case ValType::kF32:
      std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(f32()));
      break;
    case ValType::kF64:
      std::snprintf(buffer, sizeof buffer, "%.17g", f64());
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef:
      if (bits == 0) {
        std::snprintf(buffer, sizeof buffer, "null");
      } else {
        std::snprintf(buffer, sizeof buffer, "0x%" PRIx64, bits);
      }
      break;
    default:
      std::snprintf(buffer, sizeof buffer, "?");
  }
  return std::string(ValTypeName(type)) + ":" + buffer;
}

}  // namespace spindle
