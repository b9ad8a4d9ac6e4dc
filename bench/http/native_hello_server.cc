// The ceiling for the HTTP benchmark: Spindle's own HttpServer (Boost.Beast,
// the same I/O threads, keep-alive and limits as `spindle up`) with a native
// handler that answers "hello" at once, on the I/O thread, with no worker
// hand-off and no guest.
//
//   spindle-bench-native-hello [--listen 127.0.0.1:3000] [--threads N]
//
// Prints "Serving http://HOST:PORT" and serves until SIGINT or SIGTERM.
// --threads: I/O threads (default: one per core, as `spindle up`).
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "triggers/http/http_server.h"

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:3000";
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::strtoul(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [--listen HOST:PORT] [--threads N]\n", argv[0]);
      return 2;
    }
  }

  // Signals are taken by one thread; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  using spindle::triggers::HttpRequest;
  using spindle::triggers::HttpResponse;
  using spindle::triggers::Responder;
  auto server = spindle::triggers::HttpServer::Listen(
      listen, spindle::triggers::ServerLimits{}, [](HttpRequest, Responder respond) {
        HttpResponse response;
        response.headers.emplace_back("content-type", "text/plain");
        response.body = "hello";
        respond(std::move(response));
      });
  if (!server.ok()) {
    std::fprintf(stderr, "error: %s\n", server.error().ToString().c_str());
    return 1;
  }
  std::printf("Serving http://%s\n", (*server)->local_address().c_str());
  std::fflush(stdout);

  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    (*server)->Stop();
  });
  (*server)->Run(threads ? threads : 1);
  waiter.join();
  return 0;
}
