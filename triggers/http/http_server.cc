// Boost.Beast is the only library here that throws; exceptions are caught
// at this file's boundary and never reach the caller.
#include "triggers/http/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <thread>
#include <vector>

namespace spindle::triggers {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A request the parser rejected as malformed (as opposed to a client that
// went away or a timeout) deserves a 400 before the connection closes.
bool IsMalformedRequest(const beast::error_code& error) {
  return error.category() == http::make_error_code(http::error::bad_method).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

// Headers that describe this hop's framing: the server sets them itself, so
// a guest's values could only corrupt the connection.
bool IsFramingHeader(const std::string& name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection") || beast::iequals(name, "keep-alive");
}

std::string Lower(beast::string_view text) {
  std::string out(text.data(), text.size());
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Session;

// What the sessions share with the server: its limits and handler, and the
// live sessions, so that Stop() can close the idle ones and learn when the
// last busy one is done.
struct SessionRegistry {
  SessionRegistry(ServerLimits limits, RequestHandler handler)
      : limits(limits), handler(std::move(handler)) {}

  const ServerLimits limits;
  const RequestHandler handler;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> live;
  std::function<void()> on_drained;  // set by a drain; called with `mutex` held

  void Add(Session* session, std::weak_ptr<Session> handle) {
    std::lock_guard<std::mutex> lock(mutex);
    live.emplace(session, std::move(handle));
  }
  void Remove(Session* session) {
    std::lock_guard<std::mutex> lock(mutex);
    live.erase(session);
    if (live.empty() && on_drained) on_drained();
  }
  std::vector<std::shared_ptr<Session>> Snapshot() {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<std::shared_ptr<Session>> sessions;
    for (auto& [raw, handle] : live) {
      if (auto session = handle.lock()) sessions.push_back(std::move(session));
    }
    return sessions;
  }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, SessionRegistry& registry)
      : stream_(std::move(socket)),
        registry_(registry),
        limits_(registry.limits),
        handler_(registry.handler) {}
  ~Session() { registry_.Remove(this); }

  void Start() {
    registry_.Add(this, weak_from_this());
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

  // Part of a drain: a connection waiting for its next request is closed; one
  // whose request is being answered closes after the answer.
  void CloseIfIdle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->answering_) self->Close();
    });
  }

 private:
  void ReadHeader() {
    if (registry_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(limits_.max_body_bytes);
    stream_.expires_after(limits_.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code error, size_t) {
    if (error == http::error::header_limit) return Fail(431);
    if (error == http::error::body_limit) return Fail(413);
    if (IsMalformedRequest(error)) return Fail(400);
    if (error) return Close();  // timeout, end of stream, client gone
    const auto& header = parser_->get();
    if (header.find(http::field::content_length) != header.end() &&
        parser_->content_length() && *parser_->content_length() > limits_.max_body_bytes) {
      return Fail(413);
    }
    stream_.expires_after(limits_.body_timeout);
    auto expect = header.find(http::field::expect);
    if (expect != header.end() && beast::iequals(expect->value(), "100-continue")) {
      // Clients wait for this before sending a large body.
      auto self = shared_from_this();
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *interim,
                        [self, interim](beast::error_code write_error, size_t) {
                          if (write_error) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRequest, shared_from_this()));
  }

  void OnRequest(beast::error_code error, size_t) {
    if (error == http::error::body_limit) return Fail(413);
    if (error == http::error::header_limit) return Fail(431);
    if (IsMalformedRequest(error)) return Fail(400);
    if (error) return Close();
    stream_.expires_never();  // the guest's own time limit applies from here
    answering_ = true;
    http::request<http::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    head_request_ = message.method() == http::verb::head;

    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    request.headers.reserve(std::distance(message.begin(), message.end()));
    for (const auto& field : message) {
      request.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
    }
    if (auto host = message.find(http::field::host); host != message.end()) {
      request.host = std::string(host->value());
    }
    request.body = std::move(message.body());
    beast::error_code peer_error;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(peer_error);
    if (!peer_error) {
      request.client_ip = peer.address().to_string();
      request.client_addr = request.client_ip + ":" + std::to_string(peer.port());
    }

    auto self = shared_from_this();
    // The guard keeps Run() going while a worker holds the request, even if
    // a drain has closed everything else.
    handler_(std::move(request), [self, busy = asio::make_work_guard(stream_.get_executor())](
                                     HttpResponse response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
    });
  }

  // The trigger has already checked the status (100-999, not 1xx) and the
  // header syntax; this keeps the framing right whatever it is handed.
  void Write(HttpResponse response) {
    std::shared_ptr<http::response<http::string_body>> message;
    try {
      message = Frame(std::move(response));
    } catch (const std::exception&) {  // Beast refuses a field: answer 500
      message = Frame(HttpResponse::Empty(500));
    }
    auto self = shared_from_this();
    http::async_write(stream_, *message, [self, message](beast::error_code error, size_t) {
      self->answering_ = false;
      if (error || !self->keep_alive_) return self->Close();
      self->ReadHeader();
    });
  }

  std::shared_ptr<http::response<http::string_body>> Frame(HttpResponse response) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->version(11);
    const unsigned status = response.status >= 200 && response.status <= 999 ? response.status : 500;
    message->result(status);
    for (auto& [name, value] : response.headers) {
      if (!IsFramingHeader(name)) message->insert(name, value);
    }
    if (registry_.stopping) keep_alive_ = false;  // tell the client this is the last answer
    message->keep_alive(keep_alive_);
    if (status == 204 || status == 304) {
      // These never carry a body (RFC 9110 §15.3.5, §15.4.5); 304 keeps no
      // length either, since it would describe the cached representation.
    } else if (head_request_) {
      message->content_length(response.body.size());
    } else {
      message->body() = std::move(response.body);
      message->prepare_payload();
    }
    return message;
  }

  // Answers a request that broke a limit, then closes: the rest of what the
  // client sends is not read.
  void Fail(unsigned status) {
    keep_alive_ = false;
    HttpResponse response = HttpResponse::Empty(status);
    response.headers.emplace_back("connection", "close");
    Write(std::move(response));
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  SessionRegistry& registry_;
  const ServerLimits& limits_;
  const RequestHandler& handler_;
  bool answering_ = false;  // from a complete request until its answer is written
  bool keep_alive_ = false;
  bool head_request_ = false;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerLimits limits, RequestHandler handler) : registry(limits, std::move(handler)) {}
  // Sessions still queued on the io_context die with it, after this body.
  ~Impl() {
    std::lock_guard<std::mutex> lock(registry.mutex);
    registry.on_drained = nullptr;
  }

  // Declared first so that it outlives the io_context and its sessions.
  SessionRegistry registry;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer drain_deadline{io};

  asio::steady_timer accept_pause{io};

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted || registry.stopping) return;
      if (error) {
        // Out of descriptors or memory: pause instead of spinning on accept.
        accept_pause.expires_after(std::chrono::milliseconds(100));
        accept_pause.async_wait([this](beast::error_code wait_error) {
          if (!wait_error) Accept();
        });
        return;
      }
      socket.set_option(tcp::no_delay(true), error);
      std::make_shared<Session>(std::move(socket), registry)->Start();
      Accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(const std::string& address,
                                                       ServerLimits limits,
                                                       RequestHandler handler) {
  auto impl = std::make_unique<Impl>(limits, std::move(handler));
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return MakeError(Phase::kUsage, "listen address \"" + address + "\" is not HOST:PORT");
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = address.substr(colon + 1);
  try {
    tcp::resolver resolver(impl->io);
    auto results = resolver.resolve(host.empty() ? "0.0.0.0" : host, port,
                                    tcp::resolver::passive | tcp::resolver::numeric_service);
    // Prefer IPv4 (so "localhost" means 127.0.0.1, as in Spin).
    tcp::endpoint endpoint = results.begin()->endpoint();
    for (const auto& entry : results) {
      if (entry.endpoint().address().is_v4()) {
        endpoint = entry.endpoint();
        break;
      }
    }
    impl->acceptor.open(endpoint.protocol());
    impl->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl->acceptor.bind(endpoint);
    impl->acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& error) {
    return MakeError(Phase::kUsage, "cannot listen on " + address + ": " + error.code().message());
  }
  impl->Accept();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::string HttpServer::local_address() const {
  beast::error_code error;
  const tcp::endpoint endpoint = impl_->acceptor.local_endpoint(error);
  if (error) return "";
  const std::string host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                      : endpoint.address().to_string();
  return host + ":" + std::to_string(endpoint.port());
}

void HttpServer::Run(size_t threads) {
  std::vector<std::thread> extra;
  for (size_t i = 1; i < threads; ++i) extra.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (std::thread& thread : extra) thread.join();
}

void HttpServer::Stop() {
  asio::post(impl_->io, [this] {
    SessionRegistry& registry = impl_->registry;
    if (registry.stopping.exchange(true)) return;
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->accept_pause.cancel();
    // Run() ends by itself once no session is left; the deadline only cuts
    // short a drain that takes too long.
    impl_->drain_deadline.expires_after(registry.limits.drain_timeout);
    impl_->drain_deadline.async_wait([this](beast::error_code error) {
      if (!error) impl_->io.stop();
    });
    std::vector<std::shared_ptr<Session>> sessions;
    {
      std::lock_guard<std::mutex> lock(registry.mutex);
      registry.on_drained = [this] {
        asio::post(impl_->io, [this] { impl_->drain_deadline.cancel(); });
      };
    }
    sessions = registry.Snapshot();
    if (sessions.empty()) impl_->drain_deadline.cancel();
    for (const auto& session : sessions) session->CloseIfIdle();
  });
}

}  // namespace spindle::triggers
