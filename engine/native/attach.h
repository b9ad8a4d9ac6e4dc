// Switches a freshly allocated instance to its module's native code: builds
// the VmContext compiled code reads and points every defined function at
// its machine code.
#pragma once

#include <memory>

#include "engine/rt/instance.h"

namespace spindle::native {

// False (and the instance stays interpreted) when the engine's settings do
// not allow native code, e.g. explicit bounds checks.
bool AttachNativeCode(Instance& instance, std::shared_ptr<const NativeCode> code);

}  // namespace spindle::native
