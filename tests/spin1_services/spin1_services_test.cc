// The Spin 1 host imports end to end: tests/spin1_services/guests/
// services_guest.c calls key-value, spin-config, wasi-outbound-http,
// outbound-redis and sqlite through the ABI by hand, inside the real
// `spindle up`, against a real redis-server and a loopback HTTP server. The
// guest answers "ok <value>" or "err <case> [<text>]" (see its header).
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "tests/http/http_harness.h"
#include "tests/services/test_support.h"

namespace spindle::http_test {
namespace {

using services_test::HttpTestServer;
using services_test::RawResponse;
using services_test::RedisServer;

std::string ServicesGuest() { return std::string(SPINDLE_SERVICES_GUEST_DIR) + "/services_guest.wasm"; }

void Replace(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Line 12 is the component's allowed_outbound_hosts: the denial log names it.
constexpr char kManifest[] = R"(spin_manifest_version = 2
[application]
name = "services-e2e"
[variables]
greeting = { default = "hello" }
from_env = { default = "default-value" }
secret_token = { required = true, secret = true }
[[trigger.http]]
route = "/..."
component = "svc"
[component.svc]
allowed_outbound_hosts = ["redis://127.0.0.1:@REDIS_PORT@", "http://127.0.0.1:@HTTP_PORT@"]
source = "@GUEST@"
key_value_stores = ["default"]
sqlite_databases = ["default"]
[component.svc.variables]
message = "{{ greeting }} world"
env_value = "{{ from_env }}"
token = "{{ secret_token }}"
[[trigger.http]]
route = "/wagi/..."
component = "wagi"
executor = { type = "wagi" }
[component.wagi]
source = "@WAGI_HTTP@"
allowed_outbound_hosts = ["http://127.0.0.1:@HTTP_PORT@"]
)";

constexpr char kSecret[] = "s3cr3t-do-not-log";

class Spin1Services : public ::testing::Test {
 protected:
  Spin1Services()
      : upstream_([](const services_test::SeenRequest& request) {
          return RawResponse(200, "upstream saw " + request.method + " " + request.target,
                             "X-Test-Upstream: yes\r\n");
        }) {}

  void SetUp() override {
    ASSERT_TRUE(redis_.ok()) << redis_.error();
    setenv("SPIN_VARIABLE_SECRET_TOKEN", kSecret, 1);
    WriteManifest(kManifest);
  }
  void TearDown() override {
    unsetenv("SPIN_VARIABLE_SECRET_TOKEN");
    unsetenv("SPIN_VARIABLE_FROM_ENV");
  }

  void WriteManifest(std::string text) {
    Replace(text, "@REDIS_PORT@", std::to_string(redis_.port()));
    Replace(text, "@HTTP_PORT@", std::to_string(upstream_.port()));
    Replace(text, "@GUEST@", ServicesGuest());
    Replace(text, "@WAGI_HTTP@", std::string(SPINDLE_SERVICES_GUEST_DIR) + "/wagi_http_guest.wasm");
    WriteFile(app_.path() + "/spin.toml", text);
  }

  bool Start(std::vector<std::string> args = {}) {
    std::string error;
    server_.emplace();
    const bool started = server_->Start(app_.path(), args, error);
    EXPECT_TRUE(started) << error;
    return started;
  }

  // The guest's one-line answer for `path_and_query`.
  std::string Call(const std::string& path_and_query) {
    HttpResult result = Get(server_->url(path_and_query));
    if (!result.ok() || result.status != 200) return "HTTP " + result.Describe();
    return result.body;
  }

  std::string Redis(const std::string& op, const std::string& query) {
    return Call("/redis/" + op + "?addr=redis://127.0.0.1:" + std::to_string(redis_.port()) +
                "&" + query);
  }

  RedisServer redis_;
  HttpTestServer upstream_;
  TempDir app_;
  std::optional<SpindleServer> server_;
};

TEST_F(Spin1Services, KeyValueRoundTrip) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/kv/set?store=default&key=greeting&value=hi%20there"), "ok");
  EXPECT_EQ(Call("/kv/get?store=default&key=greeting"), "ok hi there");
  EXPECT_EQ(Call("/kv/exists?store=default&key=greeting"), "ok true");
  EXPECT_EQ(Call("/kv/set?store=default&key=other&value=2"), "ok");
  const std::string keys = Call("/kv/keys?store=default");
  EXPECT_TRUE(keys == "ok greeting,other" || keys == "ok other,greeting") << keys;
  EXPECT_EQ(Call("/kv/delete?store=default&key=greeting"), "ok");
  EXPECT_EQ(Call("/kv/exists?store=default&key=greeting"), "ok false");
  EXPECT_EQ(Call("/kv/get?store=default&key=greeting"), "err 4");  // no-such-key
}

TEST_F(Spin1Services, UpSeedsTheDefaultStoreAndDatabase) {
  WriteFile(app_.path() + "/seed.sql", "insert into seeded values (2);");
  ASSERT_TRUE(Start({"--key-value", "seeded=from-cli", "--key-value", "with=equals=sign",
                     "--sqlite", "create table seeded(x); insert into seeded values (1)",
                     "--sqlite", "@" + app_.path() + "/seed.sql"}));
  EXPECT_EQ(Call("/kv/get?store=default&key=seeded"), "ok from-cli");
  EXPECT_EQ(Call("/kv/get?store=default&key=with"), "ok equals=sign");
  EXPECT_EQ(Call("/sqlite?db=default&sql=select%20x%20from%20seeded%20order%20by%20x"), "ok x|1|2");
  server_->Stop();
  ProcessResult bad = RunSpindle({"up", "-f", app_.path(), "--listen", "127.0.0.1:0",
                                  "--sqlite", "create tabel nonsense"});
  EXPECT_EQ(bad.status, 1) << bad.Describe();
  EXPECT_NE(bad.err.find("syntax error"), std::string::npos) << bad.err;
}

TEST_F(Spin1Services, KeyValueRefusesWhatTheComponentWasNotGranted) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/kv/open?store=other"), "err 2");  // access-denied
  EXPECT_EQ(Call("/kv/badhandle"), "err 3");         // invalid-store
}

TEST_F(Spin1Services, KeyValueStoreLivesInTheStateDirectory) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/kv/set?store=default&key=k&value=v"), "ok");
  EXPECT_FALSE(ReadFile(app_.path() + "/.spin/sqlite_key_value.db").empty());
}

TEST_F(Spin1Services, StateDirMovesTheDefaultStores) {
  const std::string state = app_.path() + "/elsewhere";
  ASSERT_TRUE(Start({"--state-dir", state}));
  EXPECT_EQ(Call("/kv/set?store=default&key=k&value=v"), "ok");
  EXPECT_EQ(Call("/sqlite?db=default&sql=create%20table%20t(x)"), "ok ");
  EXPECT_FALSE(ReadFile(state + "/sqlite_key_value.db").empty());
  EXPECT_FALSE(ReadFile(state + "/sqlite_db.db").empty());
  EXPECT_TRUE(ReadFile(app_.path() + "/.spin/sqlite_key_value.db").empty());
}

TEST_F(Spin1Services, CommittedWriteSurvivesKill9) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/kv/set?store=default&key=durable&value=yes"), "ok");
  EXPECT_EQ(server_->Stop(milliseconds(5000), SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/kv/get?store=default&key=durable"), "ok yes");
}

TEST_F(Spin1Services, ConfigResolvesTemplatesDefaultsAndTheEnvironment) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/config?key=message"), "ok hello world");
  EXPECT_EQ(Call("/config?key=env_value"), "ok default-value");
  EXPECT_EQ(Call("/config?key=token"), std::string("ok ") + kSecret);
  const std::string undeclared = Call("/config?key=nope");
  EXPECT_EQ(undeclared.rfind("err 1 ", 0), 0u) << undeclared;  // invalid-key
  server_->Stop();

  setenv("SPIN_VARIABLE_FROM_ENV", "from-env", 1);
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/config?key=env_value"), "ok from-env");
  server_->Stop();

  // A static provider in the runtime config comes before the environment.
  WriteFile(app_.path() + "/runtime-config.toml",
            "[[variables_provider]]\ntype = \"static\"\nvalues = { from_env = \"from-static\" }\n");
  ASSERT_TRUE(Start({"--runtime-config-file", app_.path() + "/runtime-config.toml"}));
  EXPECT_EQ(Call("/config?key=env_value"), "ok from-static");
}

TEST_F(Spin1Services, SecretsNeverReachTheLog) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/config?key=token"), std::string("ok ") + kSecret);
  server_->Stop();
  EXPECT_EQ(server_->Stderr().find(kSecret), std::string::npos) << server_->Stderr();
  EXPECT_EQ(server_->Stdout().find(kSecret), std::string::npos);

  unsetenv("SPIN_VARIABLE_SECRET_TOKEN");
  ProcessResult missing = RunSpindle({"up", "-f", app_.path(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(missing.status, 1) << missing.Describe();
  EXPECT_NE(missing.err.find("secret_token"), std::string::npos) << missing.err;
}

TEST_F(Spin1Services, OutboundHttpReachesAllowedHostsOnly) {
  ASSERT_TRUE(Start());
  const std::string allowed = Call("/http?url=" + upstream_.url("/hello") + "&method=1&body=b");
  EXPECT_EQ(allowed, "ok 200 x-test-upstream=yes upstream saw POST /hello");
  // Same port, another loopback address: not in allowed_outbound_hosts.
  const std::string denied =
      Call("/http?url=http://127.0.0.2:" + std::to_string(upstream_.port()) + "/x");
  EXPECT_EQ(denied, "err 1");  // destination-not-allowed
  EXPECT_EQ(Call("/http?url=not%20a%20url"), "err 2");  // invalid-url
  server_->Stop();
  EXPECT_EQ(upstream_.requests(), 1);
  EXPECT_NE(server_->Stderr().find("spin.toml:12:"), std::string::npos)
      << "the denial names the manifest line: " << server_->Stderr();
}

TEST_F(Spin1Services, WagiModulesReachAllowedHostsThroughWasiExperimentalHttp) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/wagi/fetch?url=" + upstream_.url("/from-wagi")),
            "status=200 x-test-upstream=yes body=upstream saw GET /from-wagi");
  EXPECT_EQ(Call("/wagi/fetch?url=http://127.0.0.2:" + std::to_string(upstream_.port()) + "/"),
            "error=7");  // destination_not_allowed
  EXPECT_EQ(upstream_.requests(), 1);
}

TEST_F(Spin1Services, OutboundRedisRunsEveryOperation) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Redis("set", "key=k&value=v1"), "ok");
  EXPECT_EQ(Redis("get", "key=k"), "ok v1");
  EXPECT_EQ(Redis("incr", "key=counter"), "ok 1");
  EXPECT_EQ(Redis("incr", "key=counter"), "ok 2");
  EXPECT_EQ(Redis("sadd", "key=set&value=a"), "ok 1");
  EXPECT_EQ(Redis("sadd", "key=set&value=a"), "ok 0");
  EXPECT_EQ(Redis("smembers", "key=set"), "ok a");
  EXPECT_EQ(Redis("srem", "key=set&value=a"), "ok 1");
  EXPECT_EQ(Redis("del", "key=k"), "ok 1");
  EXPECT_EQ(Redis("publish", "channel=c&payload=p"), "ok");
  EXPECT_EQ(Redis("execute", "command=SET&arg=x&arg=42"), "ok status:OK");
  EXPECT_EQ(Redis("execute", "command=INCRBY&arg=x&arg=8"), "ok int:50");
  EXPECT_EQ(Redis("execute", "command=GET&arg=missing"), "ok nil");
  EXPECT_EQ(Redis("execute", "command=GET&arg=x"), "ok bin:50");
}

TEST_F(Spin1Services, OutboundRedisRefusesAddressesNotAllowed) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/redis/get?addr=redis://127.0.0.1:1&key=k"), "err 1");
  server_->Stop();
  EXPECT_NE(server_->Stderr().find("redis://127.0.0.1:1"), std::string::npos) << server_->Stderr();
}

TEST_F(Spin1Services, SqliteExecutesWithEveryValueType) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(Call("/sqlite?db=default&sql=create%20table%20t(i,r,s,b,n)"), "ok ");
  EXPECT_EQ(Call("/sqlite?db=default&sql=insert%20into%20t%20values(?,?,?,?,?)"
                 "&arg=i:-7&arg=r:2.5&arg=t:text&arg=b:blob&arg=n"),
            "ok ");
  EXPECT_EQ(Call("/sqlite?db=default&sql=select%20*%20from%20t"),
            "ok i,r,s,b,n|-7,2.5,'text',x'blob',null");
  EXPECT_EQ(Call("/sqlite?db=other&sql=select%201"), "err 1");  // access-denied
  EXPECT_EQ(Call("/sqlite/badconn"), "err 2");                   // invalid-connection
  const std::string bad = Call("/sqlite?db=default&sql=select%20nonsense%20from");
  EXPECT_EQ(bad.rfind("err 4 ", 0), 0u) << bad;  // io, with SQLite's message
}

TEST_F(Spin1Services, AGuestPointerOutsideMemoryTrapsOnlyThatRequest) {
  ASSERT_TRUE(Start());
  HttpResult trapped = Get(server_->url("/kv/badptr"));
  EXPECT_EQ(trapped.status, 500) << trapped.Describe();
  EXPECT_EQ(Call("/kv/set?store=default&key=after&value=1"), "ok");
}

TEST_F(Spin1Services, BadRuntimeConfigStopsStartupWithItsPosition) {
  WriteFile(app_.path() + "/runtime-config.toml",
            "[key_value_store.default]\ntype = \"dynamo-ish\"\n");
  ProcessResult result = RunSpindle({"up", "-f", app_.path(), "--listen", "127.0.0.1:0",
                                     "--runtime-config-file",
                                     app_.path() + "/runtime-config.toml"});
  EXPECT_EQ(result.status, 1) << result.Describe();
  EXPECT_NE(result.err.find("runtime-config.toml:2:"), std::string::npos) << result.err;
}

TEST_F(Spin1Services, AStoreLabelWithoutABackendStopsStartup) {
  std::string manifest = kManifest;
  Replace(manifest, "key_value_stores = [\"default\"]", "key_value_stores = [\"default\", \"cache\"]");
  WriteManifest(manifest);
  ProcessResult result = RunSpindle({"up", "-f", app_.path(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(result.status, 1) << result.Describe();
  EXPECT_NE(result.err.find("cache"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace spindle::http_test
