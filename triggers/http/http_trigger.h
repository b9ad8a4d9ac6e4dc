// The HTTP trigger: routes requests to components and runs each on a fresh
// instance on the worker pool, with the Spin or WAGI executor. Owns the
// server, the router and the workers; the ComponentHost owns the modules.
#pragma once

#include <memory>
#include <string>

#include "app/app.h"
#include "triggers/common/component_host.h"
#include "triggers/http/http_server.h"
#include "triggers/http/router.h"
#include "triggers/http/wagi_executor.h"
#include "triggers/common/worker_pool.h"

namespace spindle::triggers {

struct HttpTriggerOptions {
  std::string listen = "127.0.0.1:3000";
  ServerLimits limits;
  size_t io_threads = 0;        // 0: one per core
  size_t workers = 0;           // 0: four per core
  size_t queue_capacity = 4096; // requests waiting for a worker
  size_t max_response_bytes = 64ull << 20;  // WAGI stdout
  bool quiet = false;           // no request log lines
};

class HttpTrigger {
 public:
  // Builds the router and checks that every routed component can run with
  // its executor. Does not listen yet.
  static Result<std::unique_ptr<HttpTrigger>> Create(ComponentHost& host,
                                                     HttpTriggerOptions options);
  ~HttpTrigger();

  // Listens; afterwards local_address() and routes are known.
  Status Listen();
  std::string local_address() const { return server_->local_address(); }
  // "Serving http://..." and the route list, as `spin up` prints them.
  std::string Banner() const;

  // Serves until Stop().
  void Run();
  void Stop();

 private:
  HttpTrigger(ComponentHost& host, HttpTriggerOptions options);
  void Handle(HttpRequest request, Responder respond);
  HttpResponse Execute(const http::RouteMatch& match, const HttpRequest& request,
                       std::string& log_detail);
  HttpResponse WellKnown(const HttpRequest& request) const;

  ComponentHost& host_;
  HttpTriggerOptions options_;
  http::Router router_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace spindle::triggers
