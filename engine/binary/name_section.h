// Reads the "name" custom section for backtraces. A damaged name section is
// ignored (custom sections must never make a module fail to load).
#pragma once

#include "engine/binary/module.h"

namespace spindle {

void ParseNameSection(Module& module);

}  // namespace spindle
