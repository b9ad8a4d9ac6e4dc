// Routing (spin-compat §2.3), the request metadata (§2.4) as the Spin
// executor's headers and as WAGI variables, the well-known endpoints (§2.6)
// and the answers without a guest (404, 405), end to end.
#include <gtest/gtest.h>

#include "tests/http/http_harness.h"

namespace spindle::http_test {
namespace {

// Every routing rule in one v2 app. Routes are deliberately declared in an
// order that would give the wrong answer if the first match won.
constexpr char kRoutingManifest[] = R"(spin_manifest_version = 2

[application]
name = "routing"
version = "1.2.3"

[[trigger.http]]
route = "/"
component = "echo"

[[trigger.http]]
route = "/exact"
component = "echo"

[[trigger.http]]
route = "/trailing/"
component = "echo"

[[trigger.http]]
route = "noslash"
component = "echo"

[[trigger.http]]
route = "/wild/..."
component = "echo"

[[trigger.http]]
route = "/star/*"
component = "echo"

[[trigger.http]]
route = "/users/:userid/cart/..."
component = "echo"

[[trigger.http]]
route = "/items/:id/edit"
component = "echo"

[[trigger.http]]
route = "/pair/:first/:second"
component = "echo"

[[trigger.http]]
route = "/under/:user_id"
component = "echo"

[[trigger.http]]
route = "/cgiunder/:user_id"
component = "cgi"
executor = { type = "wagi" }

[[trigger.http]]
route = "/one/..."
component = "echo"

[[trigger.http]]
route = "/one/two/three/..."
component = "echo"

[[trigger.http]]
route = "/p/..."
component = "echo"

[[trigger.http]]
route = "/p/:x"
component = "echo"

[[trigger.http]]
route = "/p/static"
component = "echo"

[[trigger.http]]
route = "/a/..."
component = "echo"

[[trigger.http]]
route = "/a/b"
component = "echo"

[[trigger.http]]
route = "/static/file.txt"
component = "echo"

[[trigger.http]]
route = "/files/:name.txt"
component = "echo"

[[trigger.http]]
route = { private = true }
component = "hidden"

[[trigger.http]]
route = "/cgi/..."
component = "cgi"
executor = { type = "wagi" }

[[trigger.http]]
route = "/cgiparam/:who/..."
component = "cgi"
executor = { type = "wagi" }

[component.echo]
source = "@SPIN1@"

[component.hidden]
source = "@SPIN1@"

[component.cgi]
source = "@WAGI@"
)";

class HttpRouting : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(app_.path() + "/spin.toml", WithGuests(kRoutingManifest));
    std::string error;
    ASSERT_TRUE(server_.Start(app_.path(), {}, error)) << error;
  }
  void TearDown() override {
    // Still up after everything the test did? (Clean shutdown has its own
    // test in server_test.cc.)
    EXPECT_TRUE(server_.running()) << "the server died:\n" << server_.Stderr();
    server_.Stop();
  }

  // GETs `path` and parses the Spin guest's echo; fails the test unless 200.
  Spin1Echo Echo(const std::string& path, std::vector<std::string> headers = {}) {
    HttpResult result = Get(server_.url(path), std::move(headers));
    EXPECT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 200) << path << "\n" << result.Describe();
    Spin1Echo echo = ParseSpin1Echo(result.body);
    EXPECT_TRUE(echo.parsed) << result.Describe();
    return echo;
  }

  long StatusOf(const std::string& path) {
    HttpResult result = Get(server_.url(path));
    EXPECT_TRUE(result.ok()) << result.error;
    return result.status;
  }

  TempDir app_;
  SpindleServer server_;
};

TEST_F(HttpRouting, BannerListsEveryRoutableRoute) {
  const std::string out = server_.Stdout();
  const std::string base = server_.url("");
  EXPECT_NE(out.find("Serving " + base + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  echo: " + base + "/exact\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  echo: " + base + "/wild (wildcard)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  cgi: " + base + "/cgi (wildcard)\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("hidden"), std::string::npos) << "a private route is listed:\n" << out;
}

TEST_F(HttpRouting, ExactRoute) {
  Spin1Echo echo = Echo("/exact");
  EXPECT_EQ(echo.uri, "/exact");
  EXPECT_EQ(echo.Header("spin-matched-route"), "/exact");
  EXPECT_EQ(echo.Header("spin-raw-component-route"), "/exact");
  EXPECT_EQ(echo.Header("spin-component-route"), "/exact");
  EXPECT_EQ(echo.Header("spin-path-info"), "");
  EXPECT_EQ(echo.Count("spin-path-info"), 1);
  // One trailing slash (and runs of slashes) still match the exact route.
  EXPECT_EQ(Echo("/exact/").Header("spin-matched-route"), "/exact");
  EXPECT_EQ(Echo("/exact/").Header("spin-path-info"), "");
  EXPECT_EQ(Echo("//exact//").Header("spin-matched-route"), "/exact");
  // Query strings do not take part in routing; the uri keeps them.
  EXPECT_EQ(Echo("/exact?x=1&y").uri, "/exact?x=1&y");
  EXPECT_EQ(StatusOf("/exact/more"), 404);
  EXPECT_EQ(StatusOf("/exactly"), 404);
}

TEST_F(HttpRouting, RouteTextIsNormalized) {
  // "/trailing/" is stored as "/trailing"; "noslash" as "/noslash".
  Spin1Echo trailing = Echo("/trailing");
  EXPECT_EQ(trailing.Header("spin-matched-route"), "/trailing");
  EXPECT_EQ(Echo("/trailing/").Header("spin-matched-route"), "/trailing");
  // The raw and component routes are the text as written (spin-compat §2.4).
  Spin1Echo noslash = Echo("/noslash");
  EXPECT_EQ(noslash.Header("spin-matched-route"), "/noslash");
  EXPECT_EQ(noslash.Header("spin-raw-component-route"), "noslash");
  EXPECT_EQ(noslash.Header("spin-component-route"), "noslash");
  EXPECT_EQ(trailing.Header("spin-raw-component-route"), "/trailing/");
}

TEST_F(HttpRouting, RootRoute) {
  Spin1Echo root = Echo("/");
  EXPECT_EQ(root.uri, "/");
  EXPECT_EQ(root.Header("spin-matched-route"), "");
  EXPECT_EQ(root.Header("spin-path-info"), "");
  EXPECT_EQ(root.Header("spin-base-path"), "/");
  EXPECT_EQ(StatusOf("/not-a-route"), 404);
}

TEST_F(HttpRouting, TrailingWildcardAndPathInfo) {
  struct Case {
    const char* path;
    const char* path_info;
  };
  for (const Case& c : {Case{"/wild", ""}, Case{"/wild/", "/"}, Case{"/wild/hi", "/hi"},
                        Case{"/wild/hi/", "/hi/"}, Case{"/wild/a/b/c", "/a/b/c"},
                        Case{"/wild/a%20b", "/a%20b"}, Case{"/wild/x?q=1", "/x"}}) {
    SCOPED_TRACE(c.path);
    Spin1Echo echo = Echo(c.path);
    EXPECT_EQ(echo.Header("spin-path-info"), c.path_info);
    EXPECT_EQ(echo.Header("spin-matched-route"), "/wild/...");
    EXPECT_EQ(echo.Header("spin-raw-component-route"), "/wild/...");
    EXPECT_EQ(echo.Header("spin-component-route"), "/wild");
    EXPECT_EQ(echo.uri, c.path);
  }
  EXPECT_EQ(StatusOf("/wildcard"), 404);  // a prefix of a segment is not a match
}

TEST_F(HttpRouting, StarWildcard) {
  Spin1Echo echo = Echo("/star/x/y");
  EXPECT_EQ(echo.Header("spin-path-info"), "/x/y");
  EXPECT_EQ(echo.Header("spin-matched-route"), "/star/*");
  EXPECT_EQ(echo.Header("spin-component-route"), "/star/*");
}

TEST_F(HttpRouting, ParametersAndTheDocumentedExample) {
  // spin-compat §2.4's example, with the Host header giving the authority.
  Spin1Echo echo =
      Echo("/users/1/cart/items/3/edit?theme=pink", {"Host: example.com:8080"});
  EXPECT_EQ(echo.Header("spin-full-url"),
            "http://example.com:8080/users/1/cart/items/3/edit?theme=pink");
  EXPECT_EQ(echo.Header("spin-path-info"), "/items/3/edit");
  EXPECT_EQ(echo.Header("spin-path-match-userid"), "1");
  EXPECT_EQ(echo.Header("spin-matched-route"), "/users/:userid/cart/...");
  EXPECT_EQ(echo.Header("spin-raw-component-route"), "/users/:userid/cart/...");
  EXPECT_EQ(echo.Header("spin-component-route"), "/users/:userid/cart");

  Spin1Echo item = Echo("/items/42/edit");
  EXPECT_EQ(item.Header("spin-path-match-id"), "42");
  EXPECT_EQ(item.Header("spin-path-info"), "");
  EXPECT_EQ(StatusOf("/items//edit"), 404);  // an empty segment binds no param
  EXPECT_EQ(StatusOf("/items/42/edit/more"), 404);

  Spin1Echo pair = Echo("/pair/left/right");
  EXPECT_EQ(pair.Header("spin-path-match-first"), "left");
  EXPECT_EQ(pair.Header("spin-path-match-second"), "right");
  EXPECT_EQ(Echo("/pair/a%2Fb/c").Header("spin-path-match-first"), "a%2Fb");  // not decoded

  // '_' in a name: '-' in the header, kept in the variable.
  EXPECT_EQ(Echo("/under/u1").Header("spin-path-match-user-id"), "u1");
  HttpResult cgi = Get(server_.url("/cgiunder/u2"));
  ASSERT_EQ(cgi.status, 200) << cgi.Describe();
  EXPECT_EQ(ParseCgiDump(cgi.body).env["X_PATH_MATCH_USER_ID"], "u2");
}

TEST_F(HttpRouting, Precedence) {
  // Static segment > :param > trailing wildcard, whatever the order written.
  EXPECT_EQ(Echo("/p/static").Header("spin-matched-route"), "/p/static");
  Spin1Echo param = Echo("/p/other");
  EXPECT_EQ(param.Header("spin-matched-route"), "/p/:x");
  EXPECT_EQ(param.Header("spin-path-match-x"), "other");
  Spin1Echo wild = Echo("/p/other/deeper");
  EXPECT_EQ(wild.Header("spin-matched-route"), "/p/...");
  EXPECT_EQ(wild.Header("spin-path-info"), "/other/deeper");
  EXPECT_EQ(Echo("/p").Header("spin-matched-route"), "/p/...");
  // Exact beats wildcard.
  EXPECT_EQ(Echo("/a/b").Header("spin-matched-route"), "/a/b");
  EXPECT_EQ(Echo("/a/c").Header("spin-matched-route"), "/a/...");
  EXPECT_EQ(Echo("/a/b/c").Header("spin-matched-route"), "/a/...");
  // The longest static prefix wins.
  Spin1Echo longest = Echo("/one/two/three/four");
  EXPECT_EQ(longest.Header("spin-matched-route"), "/one/two/three/...");
  EXPECT_EQ(longest.Header("spin-path-info"), "/four");
  Spin1Echo shorter = Echo("/one/two");
  EXPECT_EQ(shorter.Header("spin-matched-route"), "/one/...");
  EXPECT_EQ(shorter.Header("spin-path-info"), "/two");
}

TEST_F(HttpRouting, DotsSeparateAtoms) {
  EXPECT_EQ(Echo("/static/file.txt").Header("spin-matched-route"), "/static/file.txt");
  EXPECT_EQ(StatusOf("/static/file.md"), 404);
  Spin1Echo file = Echo("/files/report.txt");
  EXPECT_EQ(file.Header("spin-matched-route"), "/files/:name.txt");
  EXPECT_EQ(file.Header("spin-path-match-name"), "report");
  EXPECT_EQ(StatusOf("/files/report.md"), 404);
}

TEST_F(HttpRouting, PrivateRoutesAreNotRoutable) {
  // The only way to reach "hidden" would be a route; there is none.
  EXPECT_EQ(StatusOf("/hidden"), 404);
}

TEST_F(HttpRouting, NoRouteIs404WithAnEmptyBody) {
  HttpResult result = Get(server_.url("/no/such/route"));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, "");
  EXPECT_EQ(result.Header("content-length"), "0");
}

TEST_F(HttpRouting, SpinHeadersExactlyAndInOrder) {
  // A raw request, so that the client's headers are known exactly.
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send(
      "GET /users/7/cart/a/b/?theme=pink HTTP/1.1\r\nHost: example.com:8080\r\n"
      "X-Custom: Some Value\r\nX-Dup: one\r\nX-Dup: two\r\nspin-full-url: spoofed\r\n\r\n"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  RawResponse response = ParseRawResponse(*bytes);
  ASSERT_EQ(response.status, 200) << *bytes;
  Spin1Echo echo = ParseSpin1Echo(response.body);
  ASSERT_TRUE(echo.parsed) << response.body;
  EXPECT_EQ(echo.method, 0);
  EXPECT_EQ(echo.uri, "/users/7/cart/a/b/?theme=pink");
  EXPECT_EQ(echo.params, 0);
  EXPECT_EQ(echo.body_tag, 1);
  EXPECT_EQ(echo.body_length, 0);
  const std::string client_addr = "127.0.0.1:" + std::to_string(client.local_port());
  const Headers expected = {
      {"host", "example.com:8080"},
      {"x-custom", "Some Value"},
      {"x-dup", "one"},
      {"x-dup", "two"},
      {"spin-full-url", "spoofed"},  // the client's own stays (Spin: duplicates reach the guest)
      {"spin-path-info", "/a/b/"},
      {"spin-full-url", "http://example.com:8080/users/7/cart/a/b/?theme=pink"},
      {"spin-matched-route", "/users/:userid/cart/..."},
      {"spin-base-path", "/"},
      {"spin-raw-component-route", "/users/:userid/cart/..."},
      {"spin-component-route", "/users/:userid/cart"},
      {"spin-client-addr", client_addr},
      {"spin-path-match-userid", "7"},
  };
  EXPECT_EQ(echo.headers, expected);
}

TEST_F(HttpRouting, FullUrlWithoutHostIsLocalhost) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send("GET /wild/x?y=1 HTTP/1.1\r\n\r\n"));
  std::optional<std::string> bytes = client.ReadResponse();
  ASSERT_TRUE(bytes);
  RawResponse response = ParseRawResponse(*bytes);
  ASSERT_EQ(response.status, 200) << *bytes;
  Spin1Echo echo = ParseSpin1Echo(response.body);
  EXPECT_EQ(echo.Header("spin-full-url"), "http://localhost/wild/x?y=1");
  EXPECT_EQ(echo.Count("host"), 0);
}

TEST_F(HttpRouting, MethodsOfTheSpinExecutor) {
  const std::pair<const char*, int> methods[] = {{"GET", 0},   {"POST", 1}, {"PUT", 2},
                                                 {"DELETE", 3}, {"PATCH", 4}, {"OPTIONS", 6}};
  for (const auto& [method, number] : methods) {
    SCOPED_TRACE(method);
    HttpCall call;
    call.method = method;
    call.url = server_.url("/exact");
    HttpResult result = Fetch(call);
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(ParseSpin1Echo(result.body).method, number);
  }
  // HEAD reaches the guest as 5; the body is not sent back.
  HttpCall head;
  head.method = "HEAD";
  head.url = server_.url("/exact");
  HttpResult result = Fetch(head);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "");
  // Methods outside the Spin 1 enum: 405 with an empty body, guest not run.
  for (const char* method : {"PROPFIND", "TRACE", "FOO"}) {
    SCOPED_TRACE(method);
    HttpCall call;
    call.method = method;
    call.url = server_.url("/exact");
    HttpResult refused = Fetch(call);
    ASSERT_TRUE(refused.ok()) << refused.error;
    EXPECT_EQ(refused.status, 405);
    EXPECT_EQ(refused.body, "");
  }
  // The WAGI executor takes any method.
  HttpCall propfind;
  propfind.method = "PROPFIND";
  propfind.url = server_.url("/cgi/env");
  HttpResult wagi = Fetch(propfind);
  ASSERT_TRUE(wagi.ok()) << wagi.error;
  EXPECT_EQ(wagi.status, 200);
  EXPECT_EQ(ParseCgiDump(wagi.body).env["REQUEST_METHOD"], "PROPFIND");
}

TEST_F(HttpRouting, HeadResponseOfTheEcho) {
  // HEAD gets the guest's headers, including Content-Length of the body it
  // would have sent.
  RawClient client;
  ASSERT_TRUE(client.Connect(server_.port()));
  ASSERT_TRUE(client.Send("HEAD /a/hello HTTP/1.1\r\nHost: h\r\n\r\n"));
  // The answer has no body, whatever Content-Length says: read up to the
  // blank line, then make sure nothing follows it.
  std::string received;
  for (int round = 0; round < 50 && received.find("\r\n\r\n") == std::string::npos; ++round) {
    ASSERT_FALSE(client.WaitForClose(std::chrono::milliseconds(200), &received)) << received;
  }
  ASSERT_NE(received.find("\r\n\r\n"), std::string::npos) << received;
  EXPECT_FALSE(client.WaitForClose(std::chrono::milliseconds(200), &received));
  EXPECT_EQ(received.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << received;
  EXPECT_NE(received.find("content-type: text/plain\r\n"), std::string::npos) << received;
  EXPECT_EQ(received.substr(received.find("\r\n\r\n") + 4), "") << received;
}

TEST_F(HttpRouting, WagiRouteVariables) {
  HttpResult result =
      Get(server_.url("/cgiparam/alice/x/y?k=v"), {"Host: example.com"});
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.status, 200) << result.Describe();
  CgiDump dump = ParseCgiDump(result.body);
  ASSERT_TRUE(dump.parsed) << result.body;
  EXPECT_EQ(dump.env["X_PATH_MATCH_WHO"], "alice");
  EXPECT_EQ(dump.env["PATH_INFO"], "/x/y");
  EXPECT_EQ(dump.env["X_MATCHED_ROUTE"], "/cgiparam/:who/...");
  EXPECT_EQ(dump.env["X_RAW_COMPONENT_ROUTE"], "/cgiparam/:who/...");
  EXPECT_EQ(dump.env["X_COMPONENT_ROUTE"], "/cgiparam/:who");
  EXPECT_EQ(dump.env["SCRIPT_NAME"], "/cgiparam/:who");
  EXPECT_EQ(dump.env["X_BASE_PATH"], "/");
  EXPECT_EQ(dump.env["X_FULL_URL"], "http://example.com/cgiparam/alice/x/y?k=v");
  EXPECT_EQ(dump.env["SERVER_NAME"], "example.com");
  EXPECT_EQ(dump.env["SERVER_PORT"], "80");
}

TEST_F(HttpRouting, WellKnownEndpoints) {
  HttpResult health = Get(server_.url("/.well-known/spin/health"));
  ASSERT_TRUE(health.ok()) << health.error;
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "OK");
  EXPECT_EQ(health.Header("content-type"), "");

  HttpCall post;
  post.method = "POST";
  post.url = server_.url("/.well-known/spin/health");
  post.body = "x";
  EXPECT_EQ(Fetch(post).status, 200);  // any method

  HttpResult info = Get(server_.url("/.well-known/spin/info"));
  ASSERT_TRUE(info.ok()) << info.error;
  EXPECT_EQ(info.status, 200);
  EXPECT_EQ(info.Header("content-type"), "application/json");
  EXPECT_EQ(info.body, "{\n  \"name\": \"routing\",\n  \"version\": \"1.2.3\"\n}");

  EXPECT_EQ(StatusOf("/.well-known/spin/other"), 404);
  EXPECT_EQ(StatusOf("/.well-known/spin"), 404);  // an ordinary path: no route here
}

// ---- base (v1) ---------------------------------------------------------------

constexpr char kBaseManifest[] = R"(spin_version = "1"
name = "shop"
version = "0.1.0"
trigger = { type = "http", base = "/shop" }

[[component]]
id = "cart"
source = "@SPIN1@"
[component.trigger]
route = "/cart/..."

[[component]]
id = "checkout"
source = "@SPIN1@"
[component.trigger]
route = "/checkout"

[[component]]
id = "cgi"
source = "@WAGI@"
[component.trigger]
route = "/cgi/..."
executor = { type = "wagi" }
)";

TEST(HttpRoutingBase, V1BaseIsPrependedToEveryRoute) {
  TempDir app;
  WriteFile(app.path() + "/spin.toml", WithGuests(kBaseManifest));
  SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(app.path() + "/spin.toml", {}, error)) << error;

  HttpResult result = Get(server.url("/shop/cart/items/1"));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.status, 200) << result.Describe();
  Spin1Echo echo = ParseSpin1Echo(result.body);
  EXPECT_EQ(echo.uri, "/shop/cart/items/1");  // not stripped of base or route
  EXPECT_EQ(echo.Header("spin-matched-route"), "/shop/cart/...");
  EXPECT_EQ(echo.Header("spin-base-path"), "/shop");
  EXPECT_EQ(echo.Header("spin-raw-component-route"), "/cart/...");
  EXPECT_EQ(echo.Header("spin-component-route"), "/cart");
  EXPECT_EQ(echo.Header("spin-path-info"), "/items/1");

  HttpResult exact = Get(server.url("/shop/checkout"));
  ASSERT_TRUE(exact.ok()) << exact.error;
  EXPECT_EQ(exact.status, 200);
  EXPECT_EQ(ParseSpin1Echo(exact.body).Header("spin-matched-route"), "/shop/checkout");

  EXPECT_EQ(Get(server.url("/cart/items/1")).status, 404);
  EXPECT_EQ(Get(server.url("/checkout")).status, 404);
  EXPECT_EQ(Get(server.url("/shop")).status, 404);

  HttpResult cgi = Get(server.url("/shop/cgi/env/x"));
  ASSERT_TRUE(cgi.ok()) << cgi.error;
  ASSERT_EQ(cgi.status, 200) << cgi.Describe();
  CgiDump dump = ParseCgiDump(cgi.body);
  EXPECT_EQ(dump.env["SCRIPT_NAME"], "/shop/cgi");
  EXPECT_EQ(dump.env["PATH_INFO"], "/env/x");
  EXPECT_EQ(dump.env["X_BASE_PATH"], "/shop");
  EXPECT_EQ(dump.env["X_MATCHED_ROUTE"], "/shop/cgi/...");
  EXPECT_EQ(dump.env["X_RAW_COMPONENT_ROUTE"], "/cgi/...");
  EXPECT_EQ(dump.env["X_COMPONENT_ROUTE"], "/cgi");
  ASSERT_FALSE(dump.argv.empty());
  EXPECT_EQ(dump.argv[0], "/shop/cgi/env/x");

  EXPECT_NE(server.Stdout().find("  cart: " + server.url("/shop/cart (wildcard)")),
            std::string::npos)
      << server.Stdout();
  EXPECT_TRUE(server.running()) << server.Stderr();
}

TEST(HttpRoutingBase, WellKnownBeatsACatchAllRoute) {
  // The seed demo routes "/..." to a WAGI module; Spindle still answers
  // /.well-known/spin/ itself.
  SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(ExamplesDir() + "/seed-demo", {}, error)) << error;
  HttpResult health = Get(server.url("/.well-known/spin/health"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "OK");
  HttpResult other = Get(server.url("/.well-known/spin/nothing"));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body, "");
  HttpResult demo = Get(server.url("/.well-known/spinach"));
  EXPECT_EQ(demo.status, 200);
  EXPECT_EQ(demo.body, "-- Demo.Wasm.Spin --\n");
  EXPECT_TRUE(server.running()) << server.Stderr();
}

}  // namespace
}  // namespace spindle::http_test
