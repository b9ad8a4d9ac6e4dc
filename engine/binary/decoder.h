// Decodes the binary format into a Module. Decoding checks structure only
// (section order and sizes, encodings, counts); typing rules are the
// validator's. Function bodies are not decoded here: the validator walks them.
#pragma once

#include <memory>

#include "engine/base/byte_source.h"
#include "engine/base/result.h"
#include "engine/binary/module.h"

namespace spindle {

struct DecodeLimits {
  // Implementation limits that keep hostile modules from exhausting the
  // host; the defaults are those that web engines agreed on.
  uint32_t max_types = 1000000;
  uint32_t max_functions = 1000000;
  uint32_t max_imports = 100000;
  uint32_t max_exports = 100000;
  uint32_t max_globals = 1000000;
  uint32_t max_data_segments = 100000;
  uint32_t max_elem_segments = 10000000;
  uint32_t max_params = 1000;
  uint32_t max_results = 1000;
  uint32_t max_locals = 50000;
  uint32_t max_function_size = 7654321;
};

Result<std::shared_ptr<Module>> DecodeModule(std::shared_ptr<const ByteSource> source,
                                             const DecodeLimits& limits = {});

}  // namespace spindle
