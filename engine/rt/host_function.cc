#include "engine/rt/host_function.h"

#include "engine/rt/exec_state.h"
#include "engine/rt/instance.h"
#include "engine/rt/store.h"

namespace spindle {

std::shared_ptr<HostFunction> MakeHostFunction(Engine& engine, std::string name,
                                               const FuncType& type, HostCallback callback,
                                               void* env, std::shared_ptr<void> env_owner) {
  auto host = std::make_shared<HostFunction>();
  host->callback = callback;
  host->env = env;
  host->env_owner = std::move(env_owner);
  host->debug_name = std::move(name);
  host->function.type = engine.InternType(type);
  host->function.host = host.get();
  return host;
}

namespace host_detail {

NativeHostCall::NativeHostCall(native::VmContext* vmctx)
    : vmctx_(vmctx),
      caller_(static_cast<Instance*>(vmctx->instance)->store(),
              static_cast<Instance*>(vmctx->instance)),
      saved_in_guest_(tls_exec_state ? tls_exec_state->in_guest : 0) {
  // A fault inside host code is the host's, never a guest trap.
  if (tls_exec_state) tls_exec_state->in_guest = 0;
}

void NativeHostCall::Finish() {
  if (tls_exec_state) tls_exec_state->in_guest = saved_in_guest_;
  // A host function may have moved the deadline.
  caller_.store().engine().SyncNativeDeadline(vmctx_, caller_.store().epoch_deadline());
  if (caller_.trap() != TrapKind::kNone) {
    ThreadPendingTrap() = {caller_.message(), caller_.exit_code()};
    vmctx_->host_trap = static_cast<uint32_t>(caller_.trap());
  }
}

}  // namespace host_detail

Memory* Caller::memory() const {
  return instance_ && instance_->num_memories() > 0 ? instance_->memory(0) : nullptr;
}

}  // namespace spindle
