#include "shim/ttrpc/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "shim/proto/ttrpc.pb.h"
#include "shim/ttrpc/frame.h"

namespace spindle::ttrpc {

Result<std::unique_ptr<Client>> Client::Connect(const std::string& address) {
  std::string path = address;
  if (path.rfind("unix://", 0) == 0) path = path.substr(7);
  sockaddr_un target{};
  target.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof target.sun_path) {
    return MakeError(Phase::kIo, "bad ttrpc address '" + address + "'");
  }
  std::memcpy(target.sun_path, path.data(), path.size());
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return MakeError(Phase::kIo, std::string("socket: ") + std::strerror(errno));
  if (connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
    const int error = errno;
    close(fd);
    return MakeError(Phase::kIo, "cannot connect to " + path + ": " + std::strerror(error));
  }
  return std::unique_ptr<Client>(new Client(fd));
}

Client::~Client() { close(fd_); }

Result<std::string> Client::Call(const std::string& service, const std::string& method,
                                 const std::string& payload,
                                 const std::map<std::string, std::string>& metadata,
                                 std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  ::ttrpc::Request request;
  request.set_service(service);
  request.set_method(method);
  request.set_payload(payload);
  request.set_timeout_nano(std::chrono::nanoseconds(timeout).count());
  for (const auto& [key, value] : metadata) {
    ::ttrpc::KeyValue* entry = request.add_metadata();
    entry->set_key(key);
    entry->set_value(value);
  }
  const uint32_t stream_id = next_stream_id_;
  next_stream_id_ += 2;
  if (!WriteFrame(fd_, stream_id, kRequestFrame, 0, request.SerializeAsString())) {
    return MakeError(Phase::kIo, service + "/" + method + ": cannot send the request");
  }
  for (;;) {
    pollfd ready{fd_, POLLIN, 0};
    const int polled = poll(&ready, 1, static_cast<int>(timeout.count()));
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) return MakeError(Phase::kIo, service + "/" + method + ": no response in time");
    Frame frame;
    if (ReadFrame(fd_, frame) != ReadStatus::kFrame) {
      return MakeError(Phase::kIo, service + "/" + method + ": connection closed");
    }
    if (frame.type != kResponseFrame || frame.stream_id != stream_id) continue;
    ::ttrpc::Response response;
    if (!response.ParseFromString(frame.data)) {
      return MakeError(Phase::kIo, service + "/" + method + ": malformed response");
    }
    if (response.has_status() && response.status().code() != 0) {
      return MakeError(Phase::kIo, service + "/" + method + ": code " +
                                       std::to_string(response.status().code()) + ": " +
                                       response.status().message());
    }
    return response.payload();
  }
}

}  // namespace spindle::ttrpc
