// Dynamic instruction statistics for tuning the translator: with
// -DSPINDLE_INTERP_PROFILE=ON every dispatch is counted, and the most
// frequent instructions and instruction pairs are printed to stderr at exit.
// Off by default; it slows the interpreter several times over.
#pragma once

namespace spindle::interp {

void ProfileDispatch(const void* handler);

}  // namespace spindle::interp
