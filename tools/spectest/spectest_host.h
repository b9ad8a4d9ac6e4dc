// The "spectest" host module that the official suite imports from.
#pragma once

#include "engine/embed/linker.h"

namespace spindle::spectest {

Status DefineSpectestModule(Linker& linker, Store& store);

}  // namespace spindle::spectest
