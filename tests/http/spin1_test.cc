// The Spin 1 executor (`handle-http-request`, spin-compat §4.3) end to end
// with a hand-written guest: requests as the guest receives them, responses
// byte for byte, and the ownership rules of §4.2 (the host allocates the
// request in guest memory and frees every string and list of the response).
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/http/http_harness.h"

namespace spindle::http_test {
namespace {

constexpr char kSpin1Manifest[] = R"(spin_manifest_version = 2

[application]
name = "spin1-app"

[[trigger.http]]
route = "/spin/..."
component = "echo"

[component.echo]
source = "@SPIN1@"
environment = { SPIN_VAR = "from-manifest" }
)";

// What the guest logged to stdout about one request: the allocations its
// response held when it returned, and every canonical_abi_free call after.
struct FreeTrace {
  bool found = false;
  int live_at_return = -1;
  int bad_at_return = -1;
  std::vector<std::string> frees;  // "size=N align=M"
  int final_live = -1;
  int final_bad = -1;
};

FreeTrace TraceOf(const std::string& log, const std::string& uri) {
  FreeTrace trace;
  const size_t begin = log.rfind("begin " + uri + "\n");
  if (begin == std::string::npos) return trace;
  trace.found = true;
  size_t at = log.find('\n', begin) + 1;
  while (at < log.size()) {
    const size_t end = log.find('\n', at);
    const std::string line = log.substr(at, end - at);
    at = end == std::string::npos ? log.size() : end + 1;
    if (line.rfind("begin ", 0) == 0) break;
    if (line.rfind("return ", 0) == 0) {
      std::sscanf(line.c_str(), "return live=%d bad=%d", &trace.live_at_return,
                  &trace.bad_at_return);
    } else if (line.rfind("free ", 0) == 0) {
      unsigned ptr, size, align;
      if (std::sscanf(line.c_str(), "free ptr=%u size=%u align=%u live=%d bad=%d", &ptr, &size,
                      &align, &trace.final_live, &trace.final_bad) == 5) {
        trace.frees.push_back("size=" + std::to_string(size) + " align=" + std::to_string(align));
      }
    }
  }
  return trace;
}

class HttpSpin1 : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(app_.path() + "/spin.toml", WithGuests(kSpin1Manifest));
    std::string error;
    ASSERT_TRUE(server_.Start(app_.path(), {"-e", "CLI_VAR=from-cli"}, error)) << error;
  }
  void TearDown() override {
    // Still up after everything the test did? (Clean shutdown has its own
    // test in server_test.cc.)
    EXPECT_TRUE(server_.running()) << "the server died:\n" << server_.Stderr();
    server_.Stop();
  }

  // Sends `request` on a fresh connection and returns the raw response.
  std::string Exchange(const std::string& request) {
    RawClient client;
    EXPECT_TRUE(client.Connect(server_.port()));
    EXPECT_TRUE(client.Send(request));
    std::optional<std::string> response = client.ReadResponse();
    EXPECT_TRUE(response) << "no response to\n" << request;
    return response.value_or("");
  }

  std::string GuestStdout() const { return ReadFile(server_.log_dir() + "/echo_stdout.txt"); }

  TempDir app_;
  SpindleServer server_;
};

TEST_F(HttpSpin1, StatusAndHeadersByteForByte) {
  // Two set-cookie headers both reach the client (Spin would keep only the
  // last; Spindle keeps duplicates on purpose) with an empty value kept as
  // it is. Fields keep the guest's order, except that a repeated name joins
  // its earlier field (the server library groups them; the order of
  // different names carries no meaning in HTTP).
  const std::string response = Exchange("GET /spin/status HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(response,
            "HTTP/1.1 201 Created\r\n"
            "content-type: text/plain\r\n"
            "x-one: 1\r\n"
            "set-cookie: a=1; Path=/\r\n"
            "set-cookie: b=2\r\n"
            "x-two: two words\r\n"
            "x-empty: \r\n"
            "Content-Length: 12\r\n"
            "\r\n"
            "status body\n");
}

TEST_F(HttpSpin1, ChosenStatusCodes) {
  for (int code : {200, 302, 404, 418, 503, 599, 600}) {
    SCOPED_TRACE(code);
    HttpResult result = Get(server_.url("/spin/status?code=" + std::to_string(code)));
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, code);
    EXPECT_EQ(result.HeaderValues("set-cookie"),
              (std::vector<std::string>{"a=1; Path=/", "b=2"}));
  }
  // Outside 100..=600: 500 with an empty body.
  for (int code : {99, 601, 700, 0}) {
    SCOPED_TRACE(code);
    HttpResult result = Get(server_.url("/spin/status?code=" + std::to_string(code)));
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 500);
    EXPECT_EQ(result.body, "");
  }
}

TEST_F(HttpSpin1, StatusesThatForbidABodyDoNotCrashTheServer) {
  // 204 and 304 cannot carry a body; the guest sends one anyway. Spin
  // (hyper) drops it. Either way the server must stay up.
  for (int code : {204, 304}) {
    SCOPED_TRACE(code);
    const std::string response = Exchange("GET /spin/status?code=" + std::to_string(code) +
                                           " HTTP/1.1\r\nHost: h\r\n\r\n");
    const RawResponse parsed = ParseRawResponse(response);
    EXPECT_EQ(parsed.status, code) << response;
    EXPECT_EQ(parsed.body, "") << response;
    ASSERT_TRUE(server_.running()) << "the server died:\n" << server_.Stderr();
  }
}

TEST_F(HttpSpin1, InformationalStatusIsNotSentAsAFinalResponse) {
  // Spin accepts 100..=600, but a 1xx cannot end an exchange: Spindle
  // answers 500 instead (and stays up).
  for (int code : {100, 101, 199}) {
    SCOPED_TRACE(code);
    HttpResult result = Get(server_.url("/spin/status?code=" + std::to_string(code)));
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 500);
    ASSERT_TRUE(server_.running()) << "the server died:\n" << server_.Stderr();
  }
}

TEST_F(HttpSpin1, GuestFramingHeadersAreIgnored) {
  // A guest's content-length and transfer-encoding would corrupt the
  // connection; the server frames the body itself, so the next request on
  // the same connection still works.
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send("GET /spin/framing HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes,
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 7\r\n\r\nframed\n");
  ASSERT_TRUE(client.Send("GET /spin/hello HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::optional<std::string> next = client.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(ParseRawResponse(*next).body, "hello");
}

TEST_F(HttpSpin1, NoHeadersAndNoBody) {
  const std::string response = Exchange("GET /spin/nobody HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(response, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST_F(HttpSpin1, Status700Is500) {
  const std::string response = Exchange("GET /spin/badstatus HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(response, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(server_.WaitForOutput("status 700", std::chrono::milliseconds(5000)))
      << server_.Stderr();
}

TEST_F(HttpSpin1, BadResponsesAre500) {
  for (const char* path : {"/spin/badheader", "/spin/badarea"}) {
    SCOPED_TRACE(path);
    HttpResult result = Get(server_.url(path));
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 500);
    EXPECT_EQ(result.body, "");
  }
  EXPECT_EQ(Get(server_.url("/spin/hello")).status, 200);
}

TEST_F(HttpSpin1, EchoOfTheWholeRequest) {
  std::string body = "binary\r\n";
  body.push_back('\0');
  body += "\x01\x02\xff tail";
  const std::string request = "PATCH /spin/echo/x?q=1&r HTTP/1.1\r\nHost: h:1\r\nX-A: b\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  RawResponse response = ParseRawResponse(Exchange(request));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("content-type"), "text/plain");
  Spin1Echo echo = ParseSpin1Echo(response.body);
  ASSERT_TRUE(echo.parsed) << response.body;
  EXPECT_EQ(echo.method, 4);
  EXPECT_EQ(echo.uri, "/spin/echo/x?q=1&r");
  EXPECT_EQ(echo.params, 0);
  EXPECT_EQ(echo.body_tag, 1);
  EXPECT_EQ(echo.body_length, static_cast<long>(body.size()));
  EXPECT_TRUE(echo.body == body);
  EXPECT_EQ(echo.Header("host"), "h:1");
  EXPECT_EQ(echo.Header("x-a"), "b");
  EXPECT_EQ(echo.Header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(echo.Header("spin-path-info"), "/echo/x");
  EXPECT_EQ(echo.Header("spin-full-url"), "http://h:1/spin/echo/x?q=1&r");
}

TEST_F(HttpSpin1, EmptyBodyIsSomeEmptyList) {
  HttpCall call;
  call.method = "POST";
  call.url = server_.url("/spin/echo");
  call.body = "";
  HttpResult result = Fetch(call);
  ASSERT_TRUE(result.ok()) << result.error;
  Spin1Echo echo = ParseSpin1Echo(result.body);
  EXPECT_EQ(echo.method, 1);
  EXPECT_EQ(echo.body_tag, 1);
  EXPECT_EQ(echo.body_length, 0);
}

TEST_F(HttpSpin1, HostLowersTheRequestIntoGuestAllocations) {
  // The guest lists its live allocations before freeing the request: one
  // per non-empty string (align 1), the header array (16 bytes per entry,
  // align 4) and the body.
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send(
      "POST /spin/allocs HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nContent-Length: 3\r\n\r\nabc"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  RawResponse response = ParseRawResponse(*bytes);
  ASSERT_EQ(response.status, 200) << *bytes;

  const std::string client_addr = "127.0.0.1:" + std::to_string(client.local_port());
  const Headers headers = {{"host", "h"},
                           {"x-empty", ""},
                           {"content-length", "3"},
                           {"spin-path-info", "/allocs"},
                           {"spin-full-url", "http://h/spin/allocs"},
                           {"spin-matched-route", "/spin/..."},
                           {"spin-base-path", "/"},
                           {"spin-raw-component-route", "/spin/..."},
                           {"spin-component-route", "/spin"},
                           {"spin-client-addr", client_addr}};
  std::vector<std::string> expected = {
      "alloc size=" + std::to_string(std::string("/spin/allocs").size()) + " align=1",
      "alloc size=" + std::to_string(headers.size() * 16) + " align=4",
      "alloc size=3 align=1"};
  for (const auto& [name, value] : headers) {
    for (const std::string* text : {&name, &value}) {
      if (!text->empty()) expected.push_back("alloc size=" + std::to_string(text->size()) + " align=1");
    }
  }
  std::vector<std::string> actual;
  size_t at = 0;
  while ((at = response.body.find("alloc ", at)) != std::string::npos) {
    const size_t end = response.body.find('\n', at);
    actual.push_back(response.body.substr(at, end - at));
    at = end;
  }
  EXPECT_EQ(response.body.rfind("live=" + std::to_string(expected.size()) + "\n", 0), 0u)
      << response.body;
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  EXPECT_EQ(actual, expected) << response.body;
}

TEST_F(HttpSpin1, HostFreesEveryResponseStringAndList) {
  struct Case {
    const char* path;
    int allocations;  // in the response when the guest returns
  };
  // status: header array + 6 names + 5 non-empty values + body = 13.
  // hello / echo: header array + 1 name + 1 value + body = 4. nobody: 0.
  for (const Case& c : {Case{"/spin/status", 13}, Case{"/spin/hello", 4},
                        Case{"/spin/echo?x", 4}, Case{"/spin/nobody", 0}}) {
    SCOPED_TRACE(c.path);
    HttpResult result = Get(server_.url(c.path));
    ASSERT_TRUE(result.ok()) << result.error;
    ASSERT_EQ(result.status, std::string(c.path) == "/spin/status" ? 201 : 200);
    // The guest's log lines are written before the response is sent.
    const FreeTrace trace = TraceOf(GuestStdout(), c.path);
    ASSERT_TRUE(trace.found) << GuestStdout();
    EXPECT_EQ(trace.live_at_return, c.allocations);
    EXPECT_EQ(trace.bad_at_return, 0);
    EXPECT_EQ(static_cast<int>(trace.frees.size()), c.allocations);
    if (c.allocations > 0) {
      EXPECT_EQ(trace.final_live, 0) << "the host left allocations unfreed";
      EXPECT_EQ(trace.final_bad, 0) << "the host freed with a wrong pointer, size or alignment";
    }
  }
  // The status response's frees, exactly: the 12-byte body and the
  // 6-entry header array among them.
  const FreeTrace status = TraceOf(GuestStdout(), "/spin/status");
  EXPECT_NE(std::find(status.frees.begin(), status.frees.end(), "size=96 align=4"),
            status.frees.end());
  EXPECT_NE(std::find(status.frees.begin(), status.frees.end(), "size=12 align=1"),
            status.frees.end());
}

TEST_F(HttpSpin1, FreshInstanceEveryRequest) {
  for (int i = 0; i < 5; ++i) {
    HttpResult result = Get(server_.url("/spin/counter"));
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.body, "counter=1");
  }
}

TEST_F(HttpSpin1, EnvironmentFromManifestAndCommandLine) {
  EXPECT_EQ(Get(server_.url("/spin/env?name=SPIN_VAR")).body, "from-manifest");
  EXPECT_EQ(Get(server_.url("/spin/env?name=CLI_VAR")).body, "from-cli");
  EXPECT_EQ(Get(server_.url("/spin/env?name=PATH_INFO")).body, "(unset)");
}

TEST_F(HttpSpin1, StdoutAndStderrGoToTheLogDirectory) {
  HttpResult result = Get(server_.url("/spin/log"));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.body, "logged");
  EXPECT_NE(GuestStdout().find("spin1 guest says hello on stdout\n"), std::string::npos);
  const std::string err = ReadFile(server_.log_dir() + "/echo_stderr.txt");
  EXPECT_NE(err.find("spin1 guest says hello on stderr\n"), std::string::npos) << err;
}

TEST_F(HttpSpin1, TrapIs500AndTheServerCarriesOn) {
  HttpResult trap = Get(server_.url("/spin/trap"));
  ASSERT_TRUE(trap.ok()) << trap.error;
  EXPECT_EQ(trap.status, 500);
  EXPECT_EQ(trap.body, "");
  for (int i = 0; i < 3; ++i) {
    HttpResult next = Get(server_.url("/spin/hello"));
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body, "hello");
  }
  EXPECT_TRUE(server_.WaitForOutput("unreachable", std::chrono::milliseconds(5000)))
      << server_.Stdout() << server_.Stderr();
}

TEST_F(HttpSpin1, RequestLogLinesGoToStderr) {
  ASSERT_EQ(Get(server_.url("/spin/hello")).status, 200);
  EXPECT_TRUE(server_.WaitForOutput("GET /spin/hello", std::chrono::milliseconds(5000)));
  const std::string err = server_.Stderr();
  EXPECT_NE(err.find("GET /spin/hello -> echo (200)"), std::string::npos)
      << "stderr:\n" << err << "stdout:\n" << server_.Stdout();
  EXPECT_EQ(server_.Stdout().find("GET /spin/hello"), std::string::npos)
      << "stdout should hold only the banner:\n" << server_.Stdout();
}

TEST(HttpSpin1Quiet, QuietLogsNoRequests) {
  TempDir app;
  WriteFile(app.path() + "/spin.toml", WithGuests(kSpin1Manifest));
  SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(app.path(), {"--quiet"}, error)) << error;
  ASSERT_EQ(Get(server.url("/spin/hello")).status, 200);
  ASSERT_EQ(Get(server.url("/nowhere")).status, 404);
  EXPECT_TRUE(server.running()) << server.Stderr();
  EXPECT_EQ(server.Stdout().find("/spin/hello"), std::string::npos) << server.Stdout();
  EXPECT_EQ(server.Stderr().find("/spin/hello"), std::string::npos) << server.Stderr();
  EXPECT_EQ(server.Stderr().find("/nowhere"), std::string::npos) << server.Stderr();
}

}  // namespace
}  // namespace spindle::http_test
