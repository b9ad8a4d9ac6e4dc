#include "engine/rt/signals.h"

#include <sys/mman.h>
#include <ucontext.h>

#include <csetjmp>
#include <csignal>
#include <cstring>
#include <mutex>

#include "engine/rt/exec_state.h"

namespace spindle {

namespace {

struct sigaction previous_segv;
struct sigaction previous_bus;

void Chain(const struct sigaction& previous, int signal, siginfo_t* info, void* context) {
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction) {
      previous.sa_sigaction(signal, info, context);
      return;
    }
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
    return;
  }
  // Default action: restore it and return, so the faulting instruction runs
  // again and the process dies with the original signal and a core dump.
  signal == SIGSEGV ? sigaction(SIGSEGV, &previous, nullptr)
                    : sigaction(SIGBUS, &previous, nullptr);
}

void HandleFault(int signal, siginfo_t* info, void* context) {
  ExecState* state = tls_exec_state;
  if (state && state->in_guest && state->jump) {
    auto* address = static_cast<uint8_t*>(info->si_addr);
    if (address >= state->guard_begin && address < state->guard_end) {
      state->fault = TrapKind::kMemoryOutOfBounds;
      state->fault_pc =
          reinterpret_cast<const void*>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
      state->in_guest = 0;
      siglongjmp(*state->jump, 1);
    }
  }
  Chain(signal == SIGSEGV ? previous_segv : previous_bus, signal, info, context);
}

}  // namespace

void InstallTrapHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = HandleFault;
    // SA_NODEFER: the handler leaves with siglongjmp and no saved mask, so
    // the signal must not stay blocked afterwards.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_segv);
    sigaction(SIGBUS, &action, &previous_bus);
  });
}

void EnsureSignalStack() {
  static thread_local bool installed = false;
  if (installed) return;
  installed = true;
  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
      current.ss_size >= 64 * 1024) {
    return;  // the thread already has one (e.g. from a sanitizer runtime)
  }
  constexpr size_t kSize = 64 * 1024;
  void* memory = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;
  stack_t stack;
  stack.ss_sp = memory;
  stack.ss_size = kSize;
  stack.ss_flags = 0;
  sigaltstack(&stack, nullptr);
}

}  // namespace spindle
