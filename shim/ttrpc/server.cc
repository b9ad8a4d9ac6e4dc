#include "shim/ttrpc/server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "shim/proto/ttrpc.pb.h"
#include "shim/ttrpc/codes.h"
#include "shim/ttrpc/frame.h"

namespace spindle::ttrpc {
namespace {

// One accepted connection: the reader thread and every request thread
// share it; the last one out closes the socket.
struct Connection {
  explicit Connection(int fd) : fd(fd) {}
  ~Connection() { close(fd); }
  int fd;
  std::mutex write_mutex;

  void Send(uint32_t stream_id, const Reply& reply) {
    ::ttrpc::Response response;
    if (reply.code != kOk) {
      response.mutable_status()->set_code(reply.code);
      response.mutable_status()->set_message(reply.message);
    } else {
      response.set_payload(reply.payload);
    }
    std::lock_guard lock(write_mutex);
    WriteFrame(fd, stream_id, kResponseFrame, 0, response.SerializeAsString());
  }
};

}  // namespace

Reply Reply::Of(const google::protobuf::MessageLite& message) {
  Reply reply;
  reply.payload = message.SerializeAsString();
  return reply;
}

Reply Reply::Error(int code, std::string message) {
  Reply reply;
  reply.code = code;
  reply.message = std::move(message);
  return reply;
}

Server::Server(int listen_fd) : listen_fd_(listen_fd) {}

Server::~Server() { close(listen_fd_); }

void Server::Register(const std::string& service, const std::string& method, Handler handler) {
  handlers_[service + "/" + method] = std::move(handler);
}

void Server::Serve() {
  while (!stopping_) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (stopping_) break;
      // EMFILE and friends: back off instead of spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    std::thread([this, fd] { ServeConnection(fd); }).detach();
  }
}

void Server::Stop() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
}

void Server::ServeConnection(int fd) {
  auto connection = std::make_shared<Connection>(fd);
  Frame frame;
  while (ReadFrame(fd, frame) == ReadStatus::kFrame) {
    if (frame.type != kRequestFrame) continue;  // no streams in the task API
    if (frame.oversized) {
      connection->Send(frame.stream_id,
                       Reply::Error(kResourceExhausted, "message larger than 4 MiB"));
      continue;
    }
    std::thread([this, connection, stream_id = frame.stream_id, data = std::move(frame.data)] {
      Reply reply = Dispatch(data);
      connection->Send(stream_id, reply);
      if (reply.after_sent) reply.after_sent();
    }).detach();
  }
}

Reply Server::Dispatch(const std::string& request_bytes) const {
  ::ttrpc::Request request;
  if (!request.ParseFromString(request_bytes)) {
    return Reply::Error(kInvalidArgument, "malformed ttrpc request");
  }
  auto found = handlers_.find(request.service() + "/" + request.method());
  if (found == handlers_.end()) {
    return Reply::Error(kUnimplemented,
                        request.service() + "/" + request.method() + " is not implemented");
  }
  Call call;
  call.service = request.service();
  call.method = request.method();
  call.payload = request.payload();
  call.timeout_nanos = request.timeout_nano();
  for (const auto& entry : request.metadata()) call.metadata[entry.key()] = entry.value();
  return found->second(call);
}

}  // namespace spindle::ttrpc
