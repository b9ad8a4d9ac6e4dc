// What a trap in compiled code carries across the siglongjmp to its entry:
// the message and exit status a host function or nested call left, kept per
// thread until Execute picks them up.
#pragma once

#include "engine/interp/executor.h"

namespace spindle::native {

void SetPendingTrapDetails(interp::TrapDetails details);
void TakePendingTrapDetails(interp::TrapDetails& details);

}  // namespace spindle::native
