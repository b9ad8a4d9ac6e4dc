#include "engine/binary/module.h"

namespace spindle {

std::string_view Module::FunctionName(uint32_t index) const {
  const auto found = function_names.find(index);
  return found == function_names.end() ? std::string_view() : found->second;
}

}  // namespace spindle
