#include "triggers/http/http_trigger.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "triggers/http/route_headers.h"
#include "triggers/http/spin1_executor.h"

namespace spindle::triggers {
namespace {

const app::HttpTrigger& TriggerOf(const ComponentHost& host, const http::RouteMatch& match) {
  return host.app().http_triggers[match.trigger_index()];
}

size_t Cores() { return std::max<size_t>(1, std::thread::hardware_concurrency()); }

}  // namespace

HttpTrigger::HttpTrigger(ComponentHost& host, HttpTriggerOptions options)
    : host_(host), options_(std::move(options)) {}

HttpTrigger::~HttpTrigger() {
  // Workers may still answer requests; they post to the server's I/O
  // context, so they finish before the server goes away.
  workers_.reset();
  server_.reset();
}

Result<std::unique_ptr<HttpTrigger>> HttpTrigger::Create(ComponentHost& host,
                                                         HttpTriggerOptions options) {
  std::unique_ptr<HttpTrigger> trigger(new HttpTrigger(host, std::move(options)));
  SPINDLE_ASSIGN_OR_RETURN(trigger->router_, http::Router::Build(host.app()));
  for (const app::HttpTrigger& route : host.app().http_triggers) {
    const LoadedComponent* component = host.Find(route.component);
    if (!component) {
      return MakeError(Phase::kUsage, route.where.ToString() + ": trigger '" + route.id +
                                          "' names unknown component '" + route.component + "'");
    }
    const std::string where = route.where.ToString() + ": component '" + route.component + "': ";
    if (route.executor.kind == app::HttpExecutor::Kind::kSpin) {
      if (auto problem = CheckSpin1Exports(*component->module)) {
        return MakeError(Phase::kUsage, where + *problem);
      }
    } else if (!component->module->FindExport(route.executor.entrypoint)) {
      return MakeError(Phase::kUsage, where + "the WAGI entrypoint \"" +
                                          route.executor.entrypoint + "\" is not exported");
    }
  }
  for (const http::RouteInfo* shadowed : trigger->router_.ShadowedWellKnownRoutes()) {
    spdlog::warn("route {} of component '{}' never sees /.well-known/spin/ paths: Spindle "
                 "answers them itself",
                 shadowed->based_route, shadowed->component);
  }
  const size_t workers = trigger->options_.workers ? trigger->options_.workers : 4 * Cores();
  trigger->workers_ = std::make_unique<WorkerPool>(workers, trigger->options_.queue_capacity);
  return trigger;
}

Status HttpTrigger::Listen() {
  SPINDLE_ASSIGN_OR_RETURN(
      server_, HttpServer::Listen(options_.listen, options_.limits,
                                  [this](HttpRequest request, Responder respond) {
                                    Handle(std::move(request), std::move(respond));
                                  }));
  return Ok();
}

std::string HttpTrigger::Banner() const {
  const std::string base = "http://" + local_address();
  std::string text = "Serving " + base + "\nAvailable Routes:\n";
  for (const http::RouteInfo& route : router_.routes()) {
    // As `spin up` lists them: "/prefix (wildcard)" for trailing wildcards.
    const std::string shown = route.wildcard ? route.based_prefix + " (wildcard)"
                              : route.based_route.empty() ? "/"
                                                          : route.based_route;
    text += "  " + route.component + ": " + base + shown + "\n";
    if (const app::Component* component = host_.app().FindComponent(route.component);
        component && !component->description.empty()) {
      text += "    " + component->description + "\n";
    }
  }
  return text;
}

void HttpTrigger::Run() {
  server_->Run(options_.io_threads ? options_.io_threads : Cores());
  // A drain that ran out of time leaves queued requests nobody can answer.
  workers_->DiscardQueued();
}

void HttpTrigger::Stop() {
  if (server_) server_->Stop();
}

HttpResponse HttpTrigger::WellKnown(const HttpRequest& request) const {
  const std::string_view name = std::string_view(request.path).substr(http::kWellKnownPrefix.size());
  if (name == "health") {
    HttpResponse response;
    response.body = "OK";
    return response;
  }
  if (name == "info") {
    nlohmann::json info = {{"name", host_.app().name}};
    if (!host_.app().version.empty()) info["version"] = host_.app().version;
    HttpResponse response;
    response.headers.emplace_back("content-type", "application/json");
    response.body = info.dump(2);
    return response;
  }
  return HttpResponse::Empty(404);
}

void HttpTrigger::Handle(HttpRequest request, Responder respond) {
  if (http::Router::IsWellKnown(request.path)) return respond(WellKnown(request));
  std::optional<http::RouteMatch> match = router_.Match(request.path);
  if (!match) {
    if (!options_.quiet) spdlog::info("{} {} -> no route (404)", request.method, request.path);
    return respond(HttpResponse::Empty(404));
  }
  const app::HttpTrigger& route = TriggerOf(host_, *match);
  if (route.executor.kind == app::HttpExecutor::Kind::kSpin && !Spin1Method(request.method)) {
    return respond(HttpResponse::Empty(405));
  }
  const auto queued_at = std::chrono::steady_clock::now();
  // The job owns the request; the match's views point into the router (which
  // outlives every job) and into the request's path, which moves with it.
  auto job = [this, request = std::move(request), respond, queued_at]() mutable {
    std::optional<http::RouteMatch> match = router_.Match(request.path);
    std::string detail;
    HttpResponse response = match ? Execute(*match, request, detail) : HttpResponse::Empty(404);
    if (response.status < 200 || response.status > 999) {
      // 1xx are interim responses and the rest is not HTTP: a guest bug.
      detail = "the component answered with status " + std::to_string(response.status) +
               ", which is not a final HTTP status";
      response = HttpResponse::Empty(500);
    }
    const double ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - queued_at)
                          .count();
    const std::string component = match ? match->route->component : "-";
    if (!detail.empty()) {
      spdlog::error("{} {} -> {}: {}", request.method, request.path, component, detail);
    }
    if (!options_.quiet) {
      spdlog::info("{} {} -> {} ({}) {:.2f} ms", request.method, request.path, component,
                   response.status, ms);
    }
    respond(std::move(response));
  };
  if (!workers_->Submit(std::move(job))) {
    spdlog::warn("queue full ({} waiting): refusing {} {}", options_.queue_capacity,
                 request.method, request.path);
    HttpResponse busy = HttpResponse::Empty(503);
    busy.headers.emplace_back("retry-after", "1");
    respond(std::move(busy));
  }
}

HttpResponse HttpTrigger::Execute(const http::RouteMatch& match, const HttpRequest& request,
                                  std::string& log_detail) {
  const app::HttpTrigger& route = TriggerOf(host_, match);
  const LoadedComponent& component = *host_.Find(route.component);
  const http::RequestContext context{request.scheme, request.host, request.target,
                                     request.client_addr};
  const std::vector<http::MetadataEntry> metadata = http::RouteMetadata(match, context);

  if (route.executor.kind == app::HttpExecutor::Kind::kWagi) {
    HeaderList route_env;
    for (const http::MetadataEntry& entry : metadata) {
      route_env.emplace_back(entry.wagi_env, entry.value);
    }
    WagiOptions wagi;
    wagi.max_output_bytes = options_.max_response_bytes;
    wagi.stderr_fd = component.stderr_log;
    std::string script_name(match.route->based_prefix);
    auto response = RunWagi(host_, component, route.executor, request,
                            WagiArgv(route.executor.argv, request),
                            WagiEnvironment(request, route_env, script_name), wagi, log_detail);
    return response.ok() ? std::move(response).value() : HttpResponse::Empty(500);
  }

  HeaderList headers = request.headers;
  for (const http::MetadataEntry& entry : metadata) headers.emplace_back(entry.header, entry.value);
  Invocation invocation(host_, component);
  if (Status started = invocation.Start(host_.GuestStdio(component)); !started.ok()) {
    log_detail = invocation.Describe(started.error());
    return HttpResponse::Empty(500);
  }
  auto response = RunSpin1(invocation, *Spin1Method(request.method), request, headers);
  if (!response.ok()) {
    log_detail = invocation.Describe(response.error());
    return HttpResponse::Empty(500);
  }
  return std::move(response).value();
}

}  // namespace spindle::triggers
