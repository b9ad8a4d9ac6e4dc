// The Spin 1 host imports (spin-compat.md §4.1, §4.5), byte for byte:
// `key-value`, `spin-config`, `wasi-outbound-http`, `outbound-redis` and
// `sqlite`, plus `wasi_experimental_http` for WAGI modules, each bound to the calling instance's services. Errors a guest
// can handle come back as the interface's error case; a malformed call
// (a pointer outside memory, an invalid enum) traps the guest.
#pragma once

#include "engine/embed/linker.h"
#include "spin1/import_call.h"

namespace spindle::spin1 {

Status AddKeyValueImports(Linker& linker, ContextOf context_of);
Status AddConfigImports(Linker& linker, ContextOf context_of);
Status AddOutboundHttpImports(Linker& linker, ContextOf context_of);
Status AddOutboundRedisImports(Linker& linker, ContextOf context_of);
Status AddSqliteImports(Linker& linker, ContextOf context_of);
// The deislabs wasi_experimental_http API that WAGI modules may use.
Status AddExperimentalHttpImports(Linker& linker, ContextOf context_of);

// All of the above.
Status AddSpin1Imports(Linker& linker, ContextOf context_of);

}  // namespace spindle::spin1
