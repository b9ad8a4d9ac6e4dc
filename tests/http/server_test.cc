// The server around the executors: bad manifests, limits (time, memory,
// body, header, slow clients), keep-alive, chunked bodies, queueing under
// load, logs, and the seed demo.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <thread>

#include "tests/http/http_harness.h"

namespace spindle::http_test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;


// The echo + CGI app served with `args`.
class AppServer : public EchoAndCgiApp {
 public:
  explicit AppServer(const std::vector<std::string>& args) : EchoAndCgiApp("server-app", args) {}
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- bad manifests ------------------------------------------------------------

struct BadManifest {
  const char* name;
  const char* text;
  const char* message;  // part of the error
};

const BadManifest kBadManifests[] = {
    {"toml_syntax", "spin_manifest_version = 2\n[application\nname = \"x\"\n", ""},
    {"unknown_key",
     "spin_manifest_version = 2\n[application]\nname = \"x\"\n"
     "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n[component.c]\nsorce = \"@SPIN1@\"\n",
     "sorce"},
    {"unknown_component",
     "spin_manifest_version = 2\n[application]\nname = \"x\"\n"
     "[[trigger.http]]\nroute = \"/\"\ncomponent = \"missing\"\n[component.c]\nsource = \"@SPIN1@\"\n",
     "missing"},
    {"missing_source_file",
     "spin_manifest_version = 2\n[application]\nname = \"x\"\n"
     "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n[component.c]\nsource = \"nope.wasm\"\n",
     "nope.wasm"},
    {"wagi_module_on_spin_executor",
     "spin_manifest_version = 2\n[application]\nname = \"x\"\n"
     "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n[component.c]\nsource = \"@WAGI@\"\n",
     "handle-http-request"},
    {"bad_route",
     "spin_manifest_version = 2\n[application]\nname = \"x\"\n"
     "[[trigger.http]]\nroute = \"/a/*/b\"\ncomponent = \"c\"\n[component.c]\nsource = \"@SPIN1@\"\n",
     ""},
    {"duplicate_route",
     "spin_manifest_version = 2\n[application]\nname = \"x\"\n"
     "[[trigger.http]]\nroute = \"/a\"\ncomponent = \"c\"\n"
     "[[trigger.http]]\nroute = \"a/\"\ncomponent = \"c\"\n[component.c]\nsource = \"@SPIN1@\"\n",
     ""},
    {"v1_missing_trigger_route",
     "spin_version = \"1\"\nname = \"x\"\ntrigger = { type = \"http\", base = \"/\" }\n"
     "[[component]]\nid = \"c\"\nsource = \"@SPIN1@\"\n[component.trigger]\nexecutor = { type = "
     "\"wagi\" }\n",
     "route"},
    {"wrong_type",
     "spin_manifest_version = 2\n[application]\nname = 42\n", "name"},
};

void PrintTo(const BadManifest& bad, std::ostream* out) { *out << bad.name; }

// True when `text` holds "<file>:LINE:COLUMN: ". (std::regex would do, but
// g++ 12 with the sanitizers warns inside <regex>.)
bool HasFileLineColumn(const std::string& text, const std::string& file) {
  for (size_t at = text.find(file + ":"); at != std::string::npos;
       at = text.find(file + ":", at + 1)) {
    size_t pos = at + file.size() + 1;
    int numbers = 0;
    while (numbers < 2) {
      const size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
      if (pos == start || pos >= text.size() || text[pos] != ':') break;
      ++pos;
      ++numbers;
    }
    if (numbers == 2 && pos < text.size() && text[pos] == ' ') return true;
  }
  return false;
}

class HttpBadManifest : public ::testing::TestWithParam<BadManifest> {};

TEST_P(HttpBadManifest, UpExitsWithFileLineColumn) {
  const BadManifest& bad = GetParam();
  TempDir app;
  WriteFile(app.path() + "/spin.toml", WithGuests(bad.text));
  ProcessResult result = RunSpindle(
      {"up", "-f", app.path() + "/spin.toml", "--listen", "127.0.0.1:0", "--log-dir",
       app.path() + "/logs"},
      milliseconds(20000));
  EXPECT_FALSE(result.timed_out) << "spindle up served a bad manifest:\n" << result.Describe();
  EXPECT_NE(result.status, 0) << result.Describe();
  EXPECT_TRUE(HasFileLineColumn(result.err, "spin.toml"))
      << result.Describe();
  EXPECT_NE(result.err.find(bad.message), std::string::npos) << result.Describe();
  EXPECT_EQ(result.out.find("Serving"), std::string::npos) << result.Describe();
}

INSTANTIATE_TEST_SUITE_P(Cases, HttpBadManifest, ::testing::ValuesIn(kBadManifests),
                         [](const ::testing::TestParamInfo<BadManifest>& info) {
                           return std::string(info.param.name);
                         });

TEST(HttpServer, MissingManifestFails) {
  TempDir app;
  ProcessResult result = RunSpindle({"up", "-f", app.path(), "--listen", "127.0.0.1:0"});
  EXPECT_FALSE(result.timed_out);
  EXPECT_NE(result.status, 0);
  EXPECT_NE(result.err.find("spin.toml"), std::string::npos) << result.Describe();
}

// ---- limits --------------------------------------------------------------------

TEST(HttpServer, TimeLimitStopsARunawayGuest) {
  AppServer app({"--request-timeout", "1"});
  ASSERT_TRUE(app.started());
  for (const char* path : {"/spin/loop", "/cgi/loop"}) {
    SCOPED_TRACE(path);
    HttpCall call;
    call.url = app.server().url(path);
    call.timeout_ms = 10000;
    HttpResult result = Fetch(call);
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 500);
    EXPECT_EQ(result.body, "");
    EXPECT_GE(result.seconds, 0.9);
    EXPECT_LE(result.seconds, 2.5);
    HttpResult next = Get(app.server().url("/spin/hello"));
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body, "hello");
  }
  EXPECT_TRUE(app.server().WaitForOutput("exceeded the time limit of 1000 ms", milliseconds(5000)))
      << app.server().Stderr();
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, MemoryCapRefusesGrowth) {
  AppServer app({"--max-memory", "2"});
  ASSERT_TRUE(app.started());
  HttpResult result = Get(app.server().url("/spin/grow"));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 500);
  // The guest saw memory.grow fail at exactly 2 MiB (32 pages).
  const std::string log = ReadFile(app.server().log_dir() + "/echo_stdout.txt");
  EXPECT_NE(log.find("grow refused at pages=32\n"), std::string::npos) << log;
  EXPECT_TRUE(app.server().WaitForOutput("exceeded the memory limit of 2 MiB", milliseconds(5000)))
      << app.server().Stderr();
  EXPECT_EQ(Get(app.server().url("/spin/hello")).status, 200);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, OversizedBodyIs413) {
  AppServer app({"--max-request-body", "1"});
  ASSERT_TRUE(app.started());
  const int port = app.server().port();
  {
    // Declared too large: refused from the header alone.
    RawClient client;
    ASSERT_TRUE(client.Connect(port));
    ASSERT_TRUE(client.Send("POST /spin/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2097152\r\n\r\n"));
    std::optional<std::string> bytes = client.ReadResponse();
    ASSERT_TRUE(bytes);
    EXPECT_EQ(ParseRawResponse(*bytes).status, 413) << *bytes;
    EXPECT_TRUE(client.WaitForClose(milliseconds(5000)));
  }
  {
    // Chunked past the limit: refused while reading.
    RawClient client;
    ASSERT_TRUE(client.Connect(port));
    ASSERT_TRUE(client.Send("POST /spin/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"));
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'c') + "\r\n";
    // Read while sending: the answer may come (and the connection close)
    // before everything is sent.
    std::string received;
    bool closed = false;
    for (int i = 0; i < 24 && received.empty() && !closed; ++i) {
      if (!client.Send(chunk)) break;
      closed = client.WaitForClose(milliseconds(5), &received);
    }
    if (received.empty() && !closed) {
      client.Send("0\r\n\r\n");
      client.WaitForClose(milliseconds(5000), &received);
    }
    EXPECT_EQ(ParseRawResponse(received).status, 413) << received.substr(0, 200);
  }
  {
    // With curl, a body just over the limit.
    HttpCall call;
    call.method = "POST";
    call.url = app.server().url("/spin/echo");
    call.body = std::string((1 << 20) + 1, 'x');
    HttpResult result = Fetch(call);
    if (result.ok()) {
      EXPECT_EQ(result.status, 413);
    }
  }
  // Exactly the limit is fine.
  HttpCall call;
  call.method = "POST";
  call.url = app.server().url("/cgi/stdin");
  call.body = std::string(1 << 20, 'y');
  HttpResult result = Fetch(call);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body.size(), size_t{1} << 20);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, OversizedHeaderIs431) {
  AppServer app({"--max-header-bytes", "4096"});
  ASSERT_TRUE(app.started());
  HttpResult big = Get(app.server().url("/spin/hello"), {"X-Big: " + std::string(8000, 'h')});
  ASSERT_TRUE(big.ok()) << big.error;
  EXPECT_EQ(big.status, 431);
  HttpResult many = Get(app.server().url("/spin/hello"),
                        {"X-A: " + std::string(1500, 'a'), "X-B: " + std::string(1500, 'b'),
                         "X-C: " + std::string(1500, 'c')});
  ASSERT_TRUE(many.ok()) << many.error;
  EXPECT_EQ(many.status, 431);
  HttpResult fits = Get(app.server().url("/spin/hello"), {"X-Ok: " + std::string(2000, 'o')});
  ASSERT_TRUE(fits.ok()) << fits.error;
  EXPECT_EQ(fits.status, 200);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, SlowHeaderIsCutOff) {
  AppServer app({"--header-timeout", "1"});
  ASSERT_TRUE(app.started());
  RawClient client;
  ASSERT_TRUE(client.Connect(app.server().port()));
  ASSERT_TRUE(client.Send("GET /spin/hello HTTP/1.1\r\nHo"));
  const auto start = Clock::now();
  std::string received;
  EXPECT_TRUE(client.WaitForClose(milliseconds(5000), &received));
  const double waited = SecondsSince(start);
  EXPECT_GE(waited, 0.8);
  EXPECT_LE(waited, 3.0);
  // Other clients were served meanwhile and still are.
  EXPECT_EQ(Get(app.server().url("/spin/hello")).status, 200);

  // An idle keep-alive connection is closed after the same time.
  RawClient idle;
  ASSERT_TRUE(idle.Connect(app.server().port()));
  ASSERT_TRUE(idle.Send("GET /spin/hello HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(idle.ReadResponse());
  const auto idle_start = Clock::now();
  EXPECT_TRUE(idle.WaitForClose(milliseconds(5000)));
  EXPECT_LE(SecondsSince(idle_start), 3.0);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

// ---- connections and bodies -------------------------------------------------------

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  AppServer app({});
  ASSERT_TRUE(app.started());
  RawClient client;
  ASSERT_TRUE(client.Connect(app.server().port()));
  for (const char* path : {"/spin/hello", "/cgi/hello", "/spin/echo", "/nowhere", "/spin/hello"}) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(client.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    std::optional<std::string> bytes = client.ReadResponse();
    ASSERT_TRUE(bytes);
    const RawResponse response = ParseRawResponse(*bytes);
    EXPECT_EQ(response.status, std::string(path) == "/nowhere" ? 404 : 200) << *bytes;
  }
  // Pipelined: three requests in one write, three answers in order.
  ASSERT_TRUE(client.Send(
      "GET /spin/counter HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /spin/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
      "GET /cgi/hello HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::optional<std::string> first = client.ReadResponse();
  std::optional<std::string> second = client.ReadResponse();
  std::optional<std::string> third = client.ReadResponse();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(ParseRawResponse(*first).body, "counter=1");
  EXPECT_EQ(ParseSpin1Echo(ParseRawResponse(*second).body).body, "body");
  EXPECT_EQ(ParseRawResponse(*third).body, "hello\n");
  // Connection: close is honoured.
  ASSERT_TRUE(client.Send("GET /spin/hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  ASSERT_TRUE(client.ReadResponse());
  EXPECT_TRUE(client.WaitForClose(milliseconds(5000)));
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

TEST(HttpServer, KeepAliveWithCurl) {
  AppServer app({});
  ASSERT_TRUE(app.started());
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  for (int i = 0; i < 4; ++i) {
    const std::string url = app.server().url(i % 2 ? "/cgi/hello" : "/spin/hello");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
    long status = 0, connects = -1;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    EXPECT_EQ(status, 200);
    EXPECT_EQ(connects, i == 0 ? 1 : 0) << "request " << i << " opened a new connection";
  }
  curl_easy_cleanup(curl);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, ChunkedRequestBodyReachesTheSpinGuest) {
  AppServer app({});
  ASSERT_TRUE(app.started());
  RawClient client;
  ASSERT_TRUE(client.Connect(app.server().port()));
  ASSERT_TRUE(client.Send(
      "PUT /spin/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n"));
  std::this_thread::sleep_for(milliseconds(100));  // the rest arrives later
  ASSERT_TRUE(client.Send("4;ext=1\r\ndefg\r\n0\r\n\r\n"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  RawResponse response = ParseRawResponse(*bytes);
  ASSERT_EQ(response.status, 200) << *bytes;
  Spin1Echo echo = ParseSpin1Echo(response.body);
  EXPECT_EQ(echo.method, 2);
  EXPECT_EQ(echo.body_length, 7);
  EXPECT_EQ(echo.body, "abcdefg");
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, ExpectContinue) {
  AppServer app({});
  ASSERT_TRUE(app.started());
  RawClient client;
  ASSERT_TRUE(client.Connect(app.server().port()));
  ASSERT_TRUE(client.Send(
      "POST /spin/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  std::optional<std::string> interim = client.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(ParseRawResponse(*interim).status, 100) << *interim;
  ASSERT_TRUE(client.Send("hello"));
  std::optional<std::string> final_response = client.ReadResponse();
  ASSERT_TRUE(final_response);
  EXPECT_EQ(ParseSpin1Echo(ParseRawResponse(*final_response).body).body, "hello");
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, MalformedRequestIs400) {
  AppServer app({});
  ASSERT_TRUE(app.started());
  for (const char* request : {"NOT HTTP AT ALL\r\n\r\n", "GET /spin/hello HTTP/1.1\r\nBad Header\r\n\r\n",
                              "POST /spin/echo HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n"}) {
    SCOPED_TRACE(request);
    RawClient client;
    ASSERT_TRUE(client.Connect(app.server().port()));
    ASSERT_TRUE(client.Send(request));
    std::string received;
    EXPECT_TRUE(client.WaitForClose(milliseconds(5000), &received));
    EXPECT_EQ(ParseRawResponse(received).status, 400) << received;
  }
  EXPECT_EQ(Get(app.server().url("/spin/hello")).status, 200);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

// ---- load ----------------------------------------------------------------------

TEST(HttpServer, ParallelSlowRequestsQueueForTwoWorkers) {
  AppServer app({"--workers", "2"});
  ASSERT_TRUE(app.started());
  constexpr int kRequests = 16;
  constexpr int kSleepMs = 250;
  std::atomic<int> succeeded{0};
  std::vector<std::string> failures(kRequests);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      HttpCall call;
      call.url = app.server().url("/spin/slow?ms=" + std::to_string(kSleepMs));
      call.timeout_ms = 30000;
      HttpResult result = Fetch(call);
      if (result.ok() && result.status == 200 && result.body == "slow") {
        ++succeeded;
      } else {
        failures[i] = result.Describe();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double elapsed = SecondsSince(start);
  EXPECT_EQ(succeeded.load(), kRequests);
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
  // Two at a time: at least 8 rounds of the sleep.
  EXPECT_GE(elapsed, 0.9 * kRequests / 2 * kSleepMs / 1000.0);
  EXPECT_LE(elapsed, 20.0);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, FullQueueIs503) {
  AppServer app({"--workers", "1", "--queue", "1"});
  ASSERT_TRUE(app.started());
  std::vector<long> statuses(4, 0);
  std::vector<std::string> retry_after(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      HttpCall call;
      call.url = app.server().url("/spin/slow?ms=1500");
      call.timeout_ms = 20000;
      HttpResult result = Fetch(call);
      statuses[i] = result.status;
      retry_after[i] = result.Header("retry-after");
    });
    // The first must be running before the others arrive.
    std::this_thread::sleep_for(milliseconds(i == 0 ? 400 : 100));
  }
  for (std::thread& thread : threads) thread.join();
  // One runs, one waits, the rest are turned away.
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 2);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 503), 2);
  for (int i = 0; i < 4; ++i) {
    if (statuses[i] == 503) {
      EXPECT_EQ(retry_after[i], "1");
    }
  }
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

// ---- the seed demo ------------------------------------------------------------------

TEST(HttpServer, SeedDemoAnswersEveryPath) {
  SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(ExamplesDir() + "/seed-demo", {}, error)) << error;
  for (const char* path : {"/", "/anything", "/a/b/c?x=1", "/Demo.Wasm.Spin"}) {
    SCOPED_TRACE(path);
    HttpResult result = Get(server.url(path));
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body, "-- Demo.Wasm.Spin --\n");
    EXPECT_EQ(result.Header("content-type"), "text/plain");
  }
  HttpCall post;
  post.method = "POST";
  post.url = server.url("/post");
  post.body = "ignored";
  EXPECT_EQ(Fetch(post).body, "-- Demo.Wasm.Spin --\n");
  EXPECT_NE(server.Stdout().find("demo-wasm-spin: " + server.url(" (wildcard)")),
            std::string::npos)
      << server.Stdout();
  EXPECT_TRUE(server.running()) << server.Stderr();
}

TEST(HttpServer, LogFilesAreCreatedPerComponent) {
  AppServer app({});
  ASSERT_TRUE(app.started());
  ASSERT_EQ(Get(app.server().url("/spin/log")).status, 200);
  ASSERT_EQ(Get(app.server().url("/cgi/log")).status, 200);
  const std::string dir = app.server().log_dir();
  EXPECT_NE(ReadFile(dir + "/echo_stdout.txt").find("spin1 guest says hello on stdout"),
            std::string::npos);
  EXPECT_NE(ReadFile(dir + "/echo_stderr.txt").find("spin1 guest says hello on stderr"),
            std::string::npos);
  EXPECT_NE(ReadFile(dir + "/cgi_stderr.txt").find("wagi guest says hello on stderr"),
            std::string::npos);
  EXPECT_TRUE(app.server().running()) << app.server().Stderr();
}

TEST(HttpServer, SigintAndSigtermStopTheServerCleanly) {
  for (int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    AppServer app({});
    ASSERT_TRUE(app.started());
    ASSERT_EQ(Get(app.server().url("/spin/hello")).status, 200);
    ASSERT_TRUE(app.server().running());
    EXPECT_EQ(app.server().Stop(milliseconds(10000), signal), 0);
    const std::string name = signal == SIGINT ? "SIGINT" : "SIGTERM";
    EXPECT_NE((app.server().Stdout() + app.server().Stderr()).find("received " + name),
              std::string::npos)
        << app.server().Stdout() << app.server().Stderr();
  }
}

TEST(HttpServer, SigtermLetsARunningRequestFinishAndClosesIdleConnections) {
  AppServer app({});
  ASSERT_TRUE(app.started());
  RawClient idle;
  ASSERT_TRUE(idle.Connect(app.server().port()));
  RawClient busy;
  ASSERT_TRUE(busy.Connect(app.server().port()));
  ASSERT_TRUE(busy.Send("GET /spin/slow?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string guest_log = app.server().log_dir() + "/echo_stdout.txt";
  const auto deadline = Clock::now() + milliseconds(10000);
  while (ReadFile(guest_log).find("slow: sleeping") == std::string::npos &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_NE(ReadFile(guest_log).find("slow: sleeping"), std::string::npos);

  int status = -1;
  std::thread stopper([&] { status = app.server().Stop(milliseconds(10000)); });
  std::string idle_received;
  EXPECT_TRUE(idle.WaitForClose(milliseconds(5000), &idle_received));
  EXPECT_EQ(idle_received, "");
  std::optional<std::string> answer = busy.ReadResponse();
  ASSERT_TRUE(answer.has_value()) << "the request in flight was dropped";
  RawResponse response = ParseRawResponse(*answer);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "slow");
  EXPECT_EQ(response.Header("connection"), "close");
  stopper.join();
  EXPECT_EQ(status, 0) << app.server().Stderr();
  RawClient late;
  EXPECT_FALSE(late.Connect(app.server().port()));
}

}  // namespace
}  // namespace spindle::http_test
