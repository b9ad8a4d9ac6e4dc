// The WAGI executor end to end (spin-compat §3): argv, the exact CGI
// environment, stdin, and every way stdout becomes (or fails to become) a
// response.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/http/http_harness.h"

namespace spindle::http_test {
namespace {

constexpr char kWagiManifest[] = R"(spin_manifest_version = 2

[application]
name = "cgi-app"

[[trigger.http]]
route = "/cgi/..."
component = "cgi"
executor = { type = "wagi" }

[[trigger.http]]
route = "/custom/..."
component = "cgi"
executor = { type = "wagi", argv = "${SCRIPT_NAME} --flag ${ARGS} end" }

[[trigger.http]]
route = "/exact-cgi"
component = "cgi"
executor = { type = "wagi" }

[component.cgi]
source = "@WAGI@"
environment = { APP_VAR = "from-manifest" }
)";

class HttpWagi : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(app_.path() + "/spin.toml", WithGuests(kWagiManifest));
    std::string error;
    ASSERT_TRUE(server_.Start(app_.path(), {"-e", "CLI_VAR=from-cli"}, error)) << error;
  }
  void TearDown() override {
    // Still up after everything the test did? (Clean shutdown has its own
    // test in server_test.cc.)
    EXPECT_TRUE(server_.running()) << "the server died:\n" << server_.Stderr();
    server_.Stop();
  }

  HttpResult Run(const std::string& path) {
    HttpResult result = Get(server_.url(path));
    EXPECT_TRUE(result.ok()) << result.error;
    return result;
  }

  TempDir app_;
  SpindleServer server_;
};

TEST_F(HttpWagi, EnvironmentIsExactlyTheCgiSet) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send(
      "POST /cgi/env/a%20b?x=1&y=two&z HTTP/1.1\r\n"
      "Host: example.com:8080\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 11\r\n"
      "Authorization: Bearer secret\r\n"
      "Connection: keep-alive\r\n"
      "X-Custom-Header: custom value\r\n"
      "X-Dup: one\r\n"
      "X-Dup: two\r\n"
      "\r\n"
      "hello world"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  RawResponse response = ParseRawResponse(*bytes);
  ASSERT_EQ(response.status, 200) << *bytes;
  CgiDump dump = ParseCgiDump(response.body);
  ASSERT_TRUE(dump.parsed) << response.body;

  const std::map<std::string, std::string> expected = {
      {"AUTH_TYPE", ""},
      {"CONTENT_LENGTH", "11"},
      // Spin leaves this empty (a lookup bug); Spindle sets it on purpose.
      {"CONTENT_TYPE", "text/plain; charset=utf-8"},
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"QUERY_STRING", "x=1&y=two&z"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_HOST", "127.0.0.1"},
      {"REMOTE_USER", ""},
      {"REQUEST_METHOD", "POST"},
      {"SCRIPT_NAME", "/cgi"},
      {"PATH_INFO", "/env/a%20b"},  // Spin's raw value, not decoded
      {"X_RAW_PATH_INFO", "/env/a%20b"},
      {"PATH_TRANSLATED", "/env/a b"},
      {"SERVER_NAME", "example.com"},
      {"SERVER_PORT", "8080"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"SERVER_SOFTWARE", "WAGI/1"},
      {"X_FULL_URL", "http://example.com:8080/cgi/env/a%20b?x=1&y=two&z"},
      {"X_MATCHED_ROUTE", "/cgi/..."},
      {"X_BASE_PATH", "/"},
      {"X_RAW_COMPONENT_ROUTE", "/cgi/..."},
      {"X_COMPONENT_ROUTE", "/cgi"},
      {"X_CLIENT_ADDR", "127.0.0.1:" + std::to_string(client.local_port())},
      {"HTTP_HOST", "example.com:8080"},
      {"HTTP_CONTENT_TYPE", "text/plain; charset=utf-8"},
      {"HTTP_CONTENT_LENGTH", "11"},
      {"HTTP_X_CUSTOM_HEADER", "custom value"},
      {"HTTP_X_DUP", "two"},  // the last one wins
      // No HTTP_AUTHORIZATION, no HTTP_CONNECTION (RFC 3875 §4.1.18).
      {"APP_VAR", "from-manifest"},
      {"CLI_VAR", "from-cli"},
  };
  EXPECT_EQ(dump.env, expected);
  // Every name once.
  std::vector<std::string> names = dump.env_names;
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());

  const std::vector<std::string> argv = {"/cgi/env/a%20b", "x=1", "y=two", "z"};
  EXPECT_EQ(dump.argv, argv);
  EXPECT_EQ(dump.stdin_body, "hello world");
}

TEST_F(HttpWagi, MinimalRequest) {
  // HTTP/1.0 without Host: SERVER_NAME falls back to localhost, port 80.
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send("GET /exact-cgi HTTP/1.0\r\n\r\n"));
  std::string received;
  ASSERT_TRUE(client.WaitForClose(std::chrono::milliseconds(10000), &received));
  RawResponse response = ParseRawResponse(received);
  ASSERT_EQ(response.status, 200) << received;
  CgiDump dump = ParseCgiDump(response.body);
  ASSERT_TRUE(dump.parsed) << response.body;
  EXPECT_EQ(dump.env["CONTENT_LENGTH"], "0");
  EXPECT_EQ(dump.env["CONTENT_TYPE"], "");
  EXPECT_EQ(dump.env["QUERY_STRING"], "");
  EXPECT_EQ(dump.env["REQUEST_METHOD"], "GET");
  EXPECT_EQ(dump.env["SCRIPT_NAME"], "/exact-cgi");
  EXPECT_EQ(dump.env["PATH_INFO"], "");
  EXPECT_EQ(dump.env["X_COMPONENT_ROUTE"], "/exact-cgi");
  EXPECT_EQ(dump.env["SERVER_NAME"], "localhost");
  EXPECT_EQ(dump.env["SERVER_PORT"], "80");
  EXPECT_EQ(dump.env["X_FULL_URL"], "http://localhost/exact-cgi");
  EXPECT_EQ(dump.env.count("HTTP_HOST"), 0u);
  // No query: "${SCRIPT_NAME} ${ARGS}" is "/exact-cgi " -> a trailing empty arg.
  const std::vector<std::string> argv = {"/exact-cgi", ""};
  EXPECT_EQ(dump.argv, argv);
  EXPECT_EQ(dump.stdin_body, "");
}

TEST_F(HttpWagi, ArgvIsNotDecodedOrSplitOnEquals) {
  CgiDump dump = ParseCgiDump(Run("/cgi/args?a=1&b=x+y&c=%20&&d").body);
  const std::vector<std::string> argv = {"/cgi/args", "a=1", "b=x+y", "c=%20", "", "d"};
  EXPECT_EQ(dump.argv, argv);
}

TEST_F(HttpWagi, CustomArgvTemplate) {
  CgiDump dump = ParseCgiDump(Run("/custom/run?one&two").body);
  const std::vector<std::string> argv = {"/custom/run", "--flag", "one", "two", "end"};
  EXPECT_EQ(dump.argv, argv);
  EXPECT_EQ(dump.env["SCRIPT_NAME"], "/custom");
  EXPECT_EQ(dump.env["PATH_INFO"], "/run");
}

TEST_F(HttpWagi, StdinIsTheRequestBodyByteForByte) {
  const char raw[] = "line\r\nwith\0nul and \xff" " bytes\n";
  std::string body(raw, sizeof raw);  // with the terminating NUL too
  for (int i = 0; i < 5000; ++i) body += static_cast<char>(i % 251);
  HttpCall call;
  call.method = "PUT";
  call.url = server_.url("/cgi/stdin");
  call.body = body;
  HttpResult result = Fetch(call);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(result.body.size(), body.size());
  EXPECT_TRUE(result.body == body);
}

TEST_F(HttpWagi, LocationWithoutStatusIs302) {
  HttpResult result = Run("/cgi/redirect");
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(result.Header("location"), "/elsewhere");
  EXPECT_EQ(result.body, "");
}

TEST_F(HttpWagi, LocationWithStatusKeepsTheStatus) {
  HttpResult result = Run("/cgi/redirect301");
  EXPECT_EQ(result.status, 301);
  EXPECT_EQ(result.Header("location"), "https://example.com/moved");
  EXPECT_TRUE(result.HeaderValues("status").empty()) << "Status: is not a response header";
  // The other order: Status first, then Location.
  HttpResult teapot = Run("/cgi/teapotlocation");
  EXPECT_EQ(teapot.status, 418);
  EXPECT_EQ(teapot.Header("location"), "/tea");
}

TEST_F(HttpWagi, StatusHeader) {
  HttpResult teapot = Run("/cgi/teapot");
  EXPECT_EQ(teapot.status, 418);
  EXPECT_EQ(teapot.Header("content-type"), "text/plain");
  EXPECT_EQ(teapot.Header("x-tea"), "earl grey");
  EXPECT_EQ(teapot.body, "short and stout\n");
  EXPECT_TRUE(teapot.HeaderValues("status").empty());

  // Status alone is enough: no content type needed.
  HttpResult only = Run("/cgi/statusonly");
  EXPECT_EQ(only.status, 204);
  EXPECT_EQ(only.body, "");
}

TEST_F(HttpWagi, StatusThatForbidsABodyDoesNotCrashTheServer) {
  HttpResult result = Run("/cgi/nocontent");
  EXPECT_EQ(result.status, 204);
  EXPECT_EQ(result.body, "");
  ASSERT_TRUE(server_.running()) << "the server died:\n" << server_.Stderr();
  EXPECT_EQ(Run("/cgi/hello").status, 200);
}

TEST_F(HttpWagi, GuestFramingHeadersAreIgnored) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send("GET /cgi/framing HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  RawResponse response = ParseRawResponse(*bytes);
  EXPECT_EQ(response.status, 200) << *bytes;
  EXPECT_EQ(response.body, "framed body\n") << *bytes;
  EXPECT_EQ(response.Header("content-length"), "12") << *bytes;
  EXPECT_EQ(response.Header("transfer-encoding"), "") << *bytes;
  ASSERT_TRUE(client.Send("GET /cgi/hello HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::optional<std::string> next = client.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(ParseRawResponse(*next).body, "hello\n");
}

TEST_F(HttpWagi, CarriageReturnsLeaveHeadersButStayInTheBody) {
  HttpResult result = Run("/cgi/crlf");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.Header("x-crlf"), "yes");
  EXPECT_EQ(result.body, "line one\r\nline two\n");
}

TEST_F(HttpWagi, OutputWithoutContentTypeIs500WithSpinsMessage) {
  for (const char* path : {"/cgi/notype", "/cgi/nobreak"}) {
    SCOPED_TRACE(path);
    HttpResult result = Run(path);
    EXPECT_EQ(result.status, 500);
    EXPECT_EQ(result.body, "Exactly one of 'location' or 'content-type' must be specified");
  }
}

TEST_F(HttpWagi, InvalidStatusIs502) {
  HttpResult result = Run("/cgi/badstatus");
  EXPECT_EQ(result.status, 502);
}

TEST_F(HttpWagi, NoOutputIs500) {
  HttpResult result = Run("/cgi/nothing");
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.body, "");
  EXPECT_TRUE(server_.WaitForOutput("did not write to stdout", std::chrono::milliseconds(5000)))
      << server_.Stderr();
}

TEST_F(HttpWagi, NonZeroExitIs500AndZeroExitIsFine) {
  HttpResult failed = Run("/cgi/exit3");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body, "");
  EXPECT_TRUE(server_.WaitForOutput("exited with status 3", std::chrono::milliseconds(5000)))
      << server_.Stdout() << server_.Stderr();
  HttpResult clean = Run("/cgi/exit0");
  EXPECT_EQ(clean.status, 200);
  EXPECT_EQ(clean.body, "exited cleanly\n");
}

TEST_F(HttpWagi, OutputOverTheCapIs500) {
  HttpResult result = Run("/cgi/big");
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.body, "");
  EXPECT_TRUE(server_.WaitForOutput("larger than the limit", std::chrono::milliseconds(5000)))
      << server_.Stderr();
  EXPECT_EQ(Run("/cgi/hello").status, 200);
}

TEST_F(HttpWagi, TrapIs500AndTheServerCarriesOn) {
  HttpResult trap = Run("/cgi/trap");
  EXPECT_EQ(trap.status, 500);
  EXPECT_EQ(trap.body, "");
  HttpResult next = Run("/cgi/hello");
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "hello\n");
}

TEST_F(HttpWagi, FreshInstanceEveryRequest) {
  for (int i = 0; i < 5; ++i) {
    HttpResult result = Run("/cgi/counter");
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body, "counter=1");
  }
}

TEST_F(HttpWagi, StderrGoesToTheComponentLog) {
  EXPECT_EQ(Run("/cgi/log").status, 200);
  const std::string log = ReadFile(server_.log_dir() + "/cgi_stderr.txt");
  EXPECT_NE(log.find("wagi guest says hello on stderr\n"), std::string::npos) << log;
  // The stdout of a WAGI module is the response, not a log.
  EXPECT_EQ(ReadFile(server_.log_dir() + "/cgi_stdout.txt").find("logged"), std::string::npos);
}

TEST_F(HttpWagi, ChunkedRequestBody) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send(
      "POST /cgi/env HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  RawResponse response = ParseRawResponse(*bytes);
  ASSERT_EQ(response.status, 200) << *bytes;
  CgiDump dump = ParseCgiDump(response.body);
  EXPECT_EQ(dump.stdin_body, "hello 0123456789");
  EXPECT_EQ(dump.env["CONTENT_LENGTH"], "16");
}

}  // namespace
}  // namespace spindle::http_test
