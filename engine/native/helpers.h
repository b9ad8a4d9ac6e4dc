// The RuntimeHelpers table (engine/rt/native_abi.h) every VmContext points
// at: the runtime services compiled code calls.
#pragma once

#include "engine/rt/native_abi.h"

namespace spindle::native {

const RuntimeHelpers* Helpers();

}  // namespace spindle::native
