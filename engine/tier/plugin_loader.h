// Finds and dlopen()s the LLVM compiler plugin, once per process.
#pragma once

#include "engine/base/result.h"
#include "engine/llvm/plugin_api.h"

namespace spindle::tier {

using CompileFunction = int (*)(const SpindleCompileRequest*, SpindleCompileResult*);

// $SPINDLE_LLVM_PLUGIN, else next to this executable, else
// <executable dir>/../lib/spindle/.
Result<CompileFunction> LoadCompilerPlugin();

}  // namespace spindle::tier
