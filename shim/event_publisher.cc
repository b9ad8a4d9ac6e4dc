#include "shim/event_publisher.h"

#include <spdlog/spdlog.h>
#include <sys/time.h>

#include <chrono>

#include "shim/proto/events_service.pb.h"

namespace spindle::shim {

EventPublisher::EventPublisher(std::string address) : address_(std::move(address)) {}

void EventPublisher::Publish(const std::string& namespace_name, const std::string& topic,
                             const google::protobuf::Message& event) {
  if (address_.empty()) return;
  containerd::services::events::ttrpc::v1::ForwardRequest request;
  containerd::types::Envelope* envelope = request.mutable_envelope();
  timeval now{};
  gettimeofday(&now, nullptr);
  envelope->mutable_timestamp()->set_seconds(now.tv_sec);
  envelope->mutable_timestamp()->set_nanos(static_cast<int32_t>(now.tv_usec * 1000));
  envelope->set_namespace_(namespace_name);
  envelope->set_topic(topic);
  envelope->mutable_event()->set_type_url(event.GetTypeName());
  envelope->mutable_event()->set_value(event.SerializeAsString());
  const std::string payload = request.SerializeAsString();

  std::lock_guard lock(mutex_);
  // One retry on a fresh connection: containerd may have restarted.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!client_) {
      auto connected = ttrpc::Client::Connect(address_);
      if (!connected.ok()) {
        spdlog::warn("event {} not published: {}", topic, connected.error().message);
        return;
      }
      client_ = std::move(connected).value();
    }
    auto sent = client_->Call("containerd.services.events.ttrpc.v1.Events", "Forward", payload,
                              {{"containerd-namespace-ttrpc", namespace_name}},
                              std::chrono::seconds(5));
    if (sent.ok()) return;
    spdlog::warn("event {} not published: {}", topic, sent.error().message);
    client_.reset();
  }
}

}  // namespace spindle::shim
