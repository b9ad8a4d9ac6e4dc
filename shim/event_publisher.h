// Publishes task events to containerd through its ttrpc events service
// (containerd.services.events.ttrpc.v1.Events/Forward on $TTRPC_ADDRESS).
// Calls are serialized, so events arrive in the order Publish was called;
// the task service relies on that for create < start < exit < delete.
//
// Thread safety: Publish may be called from any thread.
#pragma once

#include <google/protobuf/message.h>

#include <memory>
#include <mutex>
#include <string>

#include "shim/ttrpc/client.h"

namespace spindle::shim {

class EventPublisher {
 public:
  // `address` empty: events are dropped (a shim run by hand, in tests).
  explicit EventPublisher(std::string address);

  // `topic` like "/tasks/exit"; `event` is sent as an Any whose type URL
  // is its full proto name (containerd.events.TaskExit), as containerd
  // expects. Failures are logged, never fatal: containerd may be gone.
  void Publish(const std::string& namespace_name, const std::string& topic,
               const google::protobuf::Message& event);

 private:
  std::string address_;
  std::mutex mutex_;
  std::unique_ptr<ttrpc::Client> client_;
};

}  // namespace spindle::shim
