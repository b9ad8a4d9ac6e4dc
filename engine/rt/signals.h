// Installs the process-wide SIGSEGV/SIGBUS handler that turns an access to a
// linear memory's guard region into a kMemoryOutOfBounds trap. Faults
// elsewhere are passed on to the previous handler (or the default action).
#pragma once

namespace spindle {

void InstallTrapHandlers();

// Gives the calling thread an alternate signal stack so the handler can run
// even when the fault was a native stack overflow. Idempotent per thread.
void EnsureSignalStack();

}  // namespace spindle
