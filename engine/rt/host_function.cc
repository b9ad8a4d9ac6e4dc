#include "engine/rt/host_function.h"

#include "engine/rt/instance.h"

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

Memory* Caller::memory() const {
  return instance_ && instance_->num_memories() > 0 ? instance_->memory(0) : nullptr;
}

}  // namespace spindle
