// Outbound HTTP against a loopback server: success, methods, headers and
// bodies, denial before connecting, no redirect following, timeouts, the
// response size cap, and relative URLs to self.
#include "services/outbound_http.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "test_support.h"

namespace spindle::services {
namespace {

using services_test::HttpTestServer;
using services_test::LogCapture;
using services_test::RawResponse;
using services_test::SeenRequest;

std::string Handle(const SeenRequest& request) {
  if (request.target == "/hello") return RawResponse(200, "hello", "X-Test: Yes\r\n");
  if (request.target == "/echo") {
    std::string seen = request.method + " " + request.body;
    for (const auto& [name, value] : request.headers) {
      if (name == "x-custom") seen += " x-custom=" + value;
    }
    return RawResponse(201, seen);
  }
  if (request.target == "/redirect") return RawResponse(302, "", "Location: /hello\r\n");
  if (request.target == "/slow") {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return RawResponse(200, "late");
  }
  if (request.target == "/big") return RawResponse(200, std::string(100000, 'x'));
  return RawResponse(404, "");
}

OutboundHosts AllowLoopback(std::string self_origin = "") {
  OutboundHostsOptions options;
  options.component_id = "web";
  options.where = {"spin.toml", 9, 1};
  options.self_origin = std::move(self_origin);
  return OutboundHosts::Create({"http://127.0.0.1:*", "http://self"}, options).value();
}

std::string Text(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

std::string Header(const HttpResponse& response, const std::string& name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return "<none>";
}

TEST(OutboundHttp, Get) {
  HttpTestServer server(Handle);
  const OutboundHttp http;
  auto response =
      http.Send({HttpMethod::kGet, server.url("/hello"), {}, std::nullopt}, AllowLoopback());
  ASSERT_TRUE(response.ok()) << HttpErrorName(response.error());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(Text(response->body), "hello");
  EXPECT_EQ(Header(*response, "x-test"), "Yes");  // names lower-cased
  EXPECT_EQ(Header(*response, "content-length"), "5");
}

TEST(OutboundHttp, MethodsHeadersAndBodies) {
  HttpTestServer server(Handle);
  const OutboundHttp http;
  const std::vector<uint8_t> body = {'d', 'a', 't', 'a'};
  const struct {
    HttpMethod method;
    const char* name;
  } cases[] = {{HttpMethod::kPost, "POST"},       {HttpMethod::kPut, "PUT"},
               {HttpMethod::kPatch, "PATCH"},     {HttpMethod::kDelete, "DELETE"},
               {HttpMethod::kOptions, "OPTIONS"}, {HttpMethod::kGet, "GET"}};
  for (const auto& c : cases) {
    auto response =
        http.Send({c.method, server.url("/echo"), {{"X-Custom", "v 1"}}, body}, AllowLoopback());
    ASSERT_TRUE(response.ok()) << c.name << " " << HttpErrorName(response.error());
    EXPECT_EQ(response->status, 201);
    EXPECT_EQ(Text(response->body), std::string(c.name) + " data x-custom=v 1");
  }
  auto head =
      http.Send({HttpMethod::kHead, server.url("/hello"), {}, std::nullopt}, AllowLoopback());
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
}

TEST(OutboundHttp, DeniedBeforeConnecting) {
  HttpTestServer server(Handle);
  const OutboundHttp http;
  OutboundHostsOptions options;
  options.component_id = "web";
  options.where = {"spin.toml", 9, 1};
  const OutboundHosts only_other_port =
      OutboundHosts::Create({"http://127.0.0.1:1"}, options).value();
  LogCapture logs;
  auto response =
      http.Send({HttpMethod::kGet, server.url("/hello"), {}, std::nullopt}, only_other_port, "web");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), HttpError::kDestinationNotAllowed);
  EXPECT_EQ(server.requests(), 0);
  EXPECT_NE(logs.text().find("spin.toml:9:1"), std::string::npos) << logs.text();
  EXPECT_NE(logs.text().find("add \"http://127.0.0.1:" + std::to_string(server.port()) + "\""),
            std::string::npos)
      << logs.text();
}

TEST(OutboundHttp, CredentialsInUrlNotLogged) {
  const OutboundHttp http;
  LogCapture logs;
  auto response =
      http.Send({HttpMethod::kGet, "https://user:pa55word@denied.example/x", {}, std::nullopt},
                AllowLoopback());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(logs.text().find("pa55word"), std::string::npos) << logs.text();
  EXPECT_NE(logs.text().find("https://***@denied.example/x"), std::string::npos) << logs.text();
}

TEST(OutboundHttp, InvalidUrls) {
  const OutboundHttp http;
  for (const char* uri : {"not a url", "ftp://127.0.0.1/x", "http://", "/relative-without-self"}) {
    auto response = http.Send({HttpMethod::kGet, uri, {}, std::nullopt}, AllowLoopback());
    ASSERT_FALSE(response.ok()) << uri;
    EXPECT_EQ(response.error(), HttpError::kInvalidUrl) << uri;
  }
}

TEST(OutboundHttp, BadHeaderIsRuntimeError) {
  HttpTestServer server(Handle);
  const OutboundHttp http;
  auto response = http.Send(
      {HttpMethod::kGet, server.url("/hello"), {{"X-Bad", "a\r\nInjected: 1"}}, std::nullopt},
      AllowLoopback());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), HttpError::kRuntimeError);
  EXPECT_EQ(server.requests(), 0);
}

TEST(OutboundHttp, RedirectIsReturnedNotFollowed) {
  HttpTestServer server(Handle);
  const OutboundHttp http;
  auto response =
      http.Send({HttpMethod::kGet, server.url("/redirect"), {}, std::nullopt}, AllowLoopback());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(Header(*response, "location"), "/hello");
  EXPECT_EQ(server.requests(), 1);
}

TEST(OutboundHttp, TotalTimeout) {
  HttpTestServer server(Handle);
  OutboundHttpOptions options;
  options.total_timeout = std::chrono::milliseconds(300);
  const OutboundHttp http(options);
  LogCapture logs;
  const auto start = std::chrono::steady_clock::now();
  auto response =
      http.Send({HttpMethod::kGet, server.url("/slow"), {}, std::nullopt}, AllowLoopback());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), HttpError::kRuntimeError);
  EXPECT_LT(elapsed, std::chrono::milliseconds(1400));
  EXPECT_NE(logs.text().find("timed out"), std::string::npos) << logs.text();
}

TEST(OutboundHttp, ConnectFailureIsRuntimeError) {
  const OutboundHttp http;
  const std::string url = "http://127.0.0.1:" + std::to_string(services_test::FreePort()) + "/";
  auto response = http.Send({HttpMethod::kGet, url, {}, std::nullopt}, AllowLoopback());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), HttpError::kRuntimeError);
}

TEST(OutboundHttp, ResponseSizeCap) {
  HttpTestServer server(Handle);
  OutboundHttpOptions options;
  options.max_response_bytes = 50000;
  const OutboundHttp http(options);
  LogCapture logs;
  auto response =
      http.Send({HttpMethod::kGet, server.url("/big"), {}, std::nullopt}, AllowLoopback());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), HttpError::kRuntimeError);
  EXPECT_NE(logs.text().find("50000-byte limit"), std::string::npos) << logs.text();
  options.max_response_bytes = 100000;
  const OutboundHttp roomy(options);
  auto fits = roomy.Send({HttpMethod::kGet, server.url("/big"), {}, std::nullopt}, AllowLoopback());
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->body.size(), 100000u);
}

TEST(OutboundHttp, RelativeUrlGoesToSelf) {
  HttpTestServer server(Handle);
  const OutboundHttp http;
  const std::string self = "http://127.0.0.1:" + std::to_string(server.port());
  auto response = http.Send({HttpMethod::kGet, "/hello", {}, std::nullopt}, AllowLoopback(self));
  ASSERT_TRUE(response.ok()) << HttpErrorName(response.error());
  EXPECT_EQ(Text(response->body), "hello");
  OutboundHostsOptions options;
  options.self_origin = self;
  const OutboundHosts no_self = OutboundHosts::Create({"https://example.com"}, options).value();
  auto denied = http.Send({HttpMethod::kGet, "/hello", {}, std::nullopt}, no_self);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error(), HttpError::kDestinationNotAllowed);
}

TEST(OutboundHttp, ConcurrencyCap) {
  HttpTestServer server(Handle);
  OutboundHttpOptions options;
  options.max_concurrent_requests = 0;
  const OutboundHttp http(options);
  auto response =
      http.Send({HttpMethod::kGet, server.url("/hello"), {}, std::nullopt}, AllowLoopback());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), HttpError::kTooManyRequests);
}

TEST(OutboundHttp, ManyThreads) {
  HttpTestServer server(Handle);
  const OutboundHttp http;
  const OutboundHosts hosts = AllowLoopback();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto response =
            http.Send({HttpMethod::kGet, server.url("/hello"), {}, std::nullopt}, hosts);
        if (response.ok() && response->status == 200) ++ok;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 20);
}

}  // namespace
}  // namespace spindle::services
