// spin.toml loading (app/manifest.h): whole v1 and v2 apps, Spin's
// normalization rules, and every load error with its position. Each manifest
// is written into a fresh temporary directory by the test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/manifest.h"
#include "tests/unit/app_test_util.h"

namespace spindle::app {
namespace {

using testing::AppDir;
using testing::LineCol;
using testing::MustLoad;
using testing::Strings;
using testing::V2;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Whole manifests

TEST(Manifest, SeedV1AppLoads) {
  AppDir dir;
  dir.Write("Demo.Wasm.Spin/bin/Release/net7.0/Demo.Wasm.Spin.wasm");
  dir.Manifest(R"(spin_version = "1"
authors = ["Tomasz Peczek <tomasz@example.com>"]
description = "Basic Spin application with .NET 7"
name = "spin-with-dotnet-7"
trigger = { type = "http", base = "/" }
version = "1.0.0"

[[component]]
id = "demo-wasm-spin"
source = "Demo.Wasm.Spin/bin/Release/net7.0/Demo.Wasm.Spin.wasm"
[component.trigger]
route = "/..."
executor = { type = "wagi" }
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.manifest_version, 1);
  EXPECT_EQ(app.name, "spin-with-dotnet-7");
  EXPECT_EQ(app.version, "1.0.0");
  EXPECT_EQ(app.description, "Basic Spin application with .NET 7");
  EXPECT_EQ(app.authors, Strings{"Tomasz Peczek <tomasz@example.com>"});
  EXPECT_EQ(app.http_base, "/");
  EXPECT_EQ(app.root, dir.root());
  EXPECT_EQ(app.manifest_path, dir.root() / "spin.toml");
  ASSERT_EQ(app.components.size(), 1u);
  const Component& component = app.components[0];
  EXPECT_EQ(component.id, "demo-wasm-spin");
  EXPECT_EQ(component.source,
            dir.root() / "Demo.Wasm.Spin/bin/Release/net7.0/Demo.Wasm.Spin.wasm");
  EXPECT_EQ(LineCol(component.where), "8:1");
  // No allowed_outbound_hosts key in a v1 component: Spin 1's database access.
  EXPECT_EQ(component.allowed_outbound_hosts,
            (Strings{"redis://*:*", "mysql://*:*", "postgres://*:*"}));
  ASSERT_EQ(app.http_triggers.size(), 1u);
  const HttpTrigger& trigger = app.http_triggers[0];
  EXPECT_EQ(trigger.id, "trigger-demo-wasm-spin");
  EXPECT_EQ(trigger.component, "demo-wasm-spin");
  EXPECT_EQ(trigger.route, "/...");
  EXPECT_FALSE(trigger.is_private);
  EXPECT_EQ(trigger.executor.kind, HttpExecutor::Kind::kWagi);
  EXPECT_EQ(trigger.executor.argv, "${SCRIPT_NAME} ${ARGS}");
  EXPECT_EQ(trigger.executor.entrypoint, "_start");
  EXPECT_EQ(app.FindComponent("demo-wasm-spin"), &app.components[0]);
  EXPECT_EQ(app.FindComponent("nope"), nullptr);
}

TEST(Manifest, FullV1App) {
  AppDir dir;
  dir.Write("target/cart.wasm");
  dir.Write("cgi.wasm");
  dir.Manifest(R"(spin_manifest_version = "1"
name = "shop"
version = "1.0.0"
description = "A shop"
authors = ["Jane <jane@example.com>"]
trigger = { type = "http", base = "/shop" }

[variables]
api_host = { default = "api.example.com" }
token = { required = true, secret = true }

[[component]]
id = "cart"
description = "The cart"
source = "target/cart.wasm"
allowed_http_hosts = ["api.example.com", "localhost:8081"]
allowed_outbound_hosts = ["redis://localhost:6379"]
key_value_stores = ["default"]
sqlite_databases = ["default"]
ai_models = ["llama2-chat"]
environment = { LOG_LEVEL = "debug" }
files = ["static/**/*", { source = "assets/img", destination = "/img" }]
exclude_files = ["static/secret/*"]
[component.config]
api_url = "https://{{ api_host }}/v1"
[component.trigger]
route = "/cart/..."
[component.build]
command = "cargo build --target wasm32-wasi --release"
workdir = "cart"
watch = ["src/**/*.rs", "Cargo.toml"]

[[component]]
id = "cgi"
source = "cgi.wasm"
[component.trigger]
route = "/env"
executor = { type = "wagi", argv = "${SCRIPT_NAME} -x ${ARGS}", entrypoint = "main" }
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.http_base, "/shop");
  ASSERT_EQ(app.variables.size(), 2u);
  EXPECT_EQ(app.variables[0].name, "api_host");
  EXPECT_EQ(app.variables[0].default_value, "api.example.com");
  EXPECT_FALSE(app.variables[0].required);
  EXPECT_EQ(app.variables[1].name, "token");
  EXPECT_TRUE(app.variables[1].required);
  EXPECT_TRUE(app.variables[1].secret);
  EXPECT_FALSE(app.variables[1].default_value.has_value());
  EXPECT_EQ(LineCol(app.variables[1].where), "10:1");

  ASSERT_EQ(app.components.size(), 2u);
  const Component& cart = app.components[0];
  EXPECT_EQ(cart.description, "The cart");
  // The key was present, so no legacy database hosts; http hosts appended.
  EXPECT_EQ(cart.allowed_outbound_hosts,
            (Strings{"redis://localhost:6379", "http://api.example.com", "https://api.example.com",
                     "http://localhost:8081", "https://localhost:8081"}));
  EXPECT_EQ(cart.key_value_stores, Strings{"default"});
  EXPECT_EQ(cart.sqlite_databases, Strings{"default"});
  EXPECT_EQ(cart.ai_models, Strings{"llama2-chat"});
  EXPECT_EQ(cart.environment.at("LOG_LEVEL"), "debug");
  EXPECT_EQ(cart.variables.at("api_url"), "https://{{ api_host }}/v1");
  ASSERT_EQ(cart.files.size(), 2u);
  EXPECT_EQ(cart.files[0].kind, FilesEntry::Kind::kPattern);
  EXPECT_EQ(cart.files[0].pattern, "static/**/*");
  EXPECT_EQ(cart.files[1].kind, FilesEntry::Kind::kMapping);
  EXPECT_EQ(cart.files[1].source, dir.root() / "assets/img");
  EXPECT_EQ(cart.files[1].destination, "/img");
  EXPECT_EQ(cart.exclude_files, Strings{"static/secret/*"});
  ASSERT_TRUE(cart.build.has_value());
  EXPECT_EQ(cart.build->command, Strings{"cargo build --target wasm32-wasi --release"});
  EXPECT_EQ(cart.build->workdir, dir.root() / "cart");
  EXPECT_EQ(cart.build->watch, (Strings{"src/**/*.rs", "Cargo.toml"}));

  ASSERT_EQ(app.http_triggers.size(), 2u);
  EXPECT_EQ(app.http_triggers[0].id, "trigger-cart");
  EXPECT_EQ(app.http_triggers[0].route, "/cart/...");
  EXPECT_EQ(app.http_triggers[0].executor.kind, HttpExecutor::Kind::kSpin);
  EXPECT_EQ(LineCol(app.http_triggers[0].where), "26:1");
  const HttpExecutor& wagi = app.http_triggers[1].executor;
  EXPECT_EQ(wagi.kind, HttpExecutor::Kind::kWagi);
  EXPECT_EQ(wagi.argv, "${SCRIPT_NAME} -x ${ARGS}");
  EXPECT_EQ(wagi.entrypoint, "main");  // Spin 2 allows any entrypoint
}

TEST(Manifest, V1RedisApp) {
  AppDir dir;
  dir.Write("echo.wasm");
  dir.Manifest(R"(spin_manifest_version = "1"
name = "echo"
version = "0.1.0"
trigger = { type = "redis", address = "redis://localhost:6379" }
[[component]]
id = "echo"
source = "echo.wasm"
[component.trigger]
channel = "messages"
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.redis_address, "redis://localhost:6379");
  EXPECT_TRUE(app.http_triggers.empty());
  ASSERT_EQ(app.redis_triggers.size(), 1u);
  EXPECT_EQ(app.redis_triggers[0].id, "trigger-echo");
  EXPECT_EQ(app.redis_triggers[0].component, "echo");
  EXPECT_EQ(app.redis_triggers[0].channel, "messages");
  EXPECT_EQ(app.redis_triggers[0].address, "redis://localhost:6379");
}

TEST(Manifest, FullV2App) {
  AppDir dir;
  for (const char* file : {"cart.wasm", "cgi.wasm", "internal.wasm", "inline.wasm"}) {
    dir.Write(file);
  }
  dir.Manifest(R"(spin_manifest_version = 2
[application]
name = "shop"
version = "1.0.0"
description = "A shop"
authors = ["Jane"]
[application.trigger.redis]
address = "redis://localhost:6379"
[application.tool.lint]
level = "strict"

[variables]
api_host = { default = "api.example.com" }

[[trigger.http]]
route = "/users/:userid/cart/..."
component = "cart"

[[trigger.http]]
route = "/env"
component = "cgi"
executor = { type = "wagi" }

[[trigger.http]]
route = { private = true }
component = "internal"

[[trigger.http]]
route = "/inline"
component = { source = "inline.wasm", environment = { A = "b" } }

[[trigger.redis]]
channel = "orders"
component = "cart"

[component.cart]
source = "cart.wasm"
allowed_outbound_hosts = ["https://{{ api_host }}", "redis://localhost:6379", "http://internal.spin.internal"]
key_value_stores = ["default", "my_store"]
sqlite_databases = ["default"]
ai_models = ["llama2-chat"]
files = [{ source = "assets", destination = "/" }]
dependencies_inherit_configuration = false
[component.cart.variables]
api_url = "https://{{ api_host }}/v1"
[component.cart.build]
command = ["cargo build --release", "wasm-opt x.wasm"]
watch = ["src/**/*.rs"]
[component.cart.tool.clippy]
deny = true

[component.cgi]
source = "cgi.wasm"

[component.internal]
source = "internal.wasm"
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.manifest_version, 2);
  EXPECT_EQ(app.name, "shop");
  EXPECT_EQ(app.version, "1.0.0");
  EXPECT_EQ(app.authors, Strings{"Jane"});
  EXPECT_EQ(app.http_base, "/");  // the v2 default
  EXPECT_EQ(app.redis_address, "redis://localhost:6379");

  ASSERT_EQ(app.components.size(), 4u);
  EXPECT_EQ(app.components[0].id, "cart");  // document order, inline ones last
  EXPECT_EQ(app.components[1].id, "cgi");
  EXPECT_EQ(app.components[2].id, "internal");
  EXPECT_EQ(app.components[3].id, "http-trigger1-component");
  EXPECT_EQ(app.components[3].environment.at("A"), "b");
  EXPECT_EQ(LineCol(app.components[3].where), "30:13");
  const Component& cart = app.components[0];
  EXPECT_EQ(LineCol(cart.where), "36:1");
  // v2: no legacy database hosts.
  EXPECT_EQ(cart.allowed_outbound_hosts,
            (Strings{"https://{{ api_host }}", "redis://localhost:6379",
                     "http://internal.spin.internal"}));
  EXPECT_EQ(cart.key_value_stores, (Strings{"default", "my_store"}));
  EXPECT_EQ(cart.variables.at("api_url"), "https://{{ api_host }}/v1");
  ASSERT_EQ(cart.files.size(), 1u);
  EXPECT_EQ(cart.files[0].destination, "/");
  ASSERT_TRUE(cart.build.has_value());
  EXPECT_EQ(cart.build->command, (Strings{"cargo build --release", "wasm-opt x.wasm"}));
  EXPECT_EQ(cart.build->workdir, dir.root());
  EXPECT_TRUE(app.components[1].allowed_outbound_hosts.empty());

  ASSERT_EQ(app.http_triggers.size(), 4u);
  EXPECT_EQ(app.http_triggers[0].id, "cart-http-trigger");
  EXPECT_EQ(app.http_triggers[0].route, "/users/:userid/cart/...");
  EXPECT_EQ(LineCol(app.http_triggers[0].where), "15:1");
  EXPECT_EQ(app.http_triggers[1].id, "cgi-http-trigger");
  EXPECT_EQ(app.http_triggers[1].executor.kind, HttpExecutor::Kind::kWagi);
  EXPECT_EQ(app.http_triggers[2].id, "internal-http-trigger");
  EXPECT_TRUE(app.http_triggers[2].is_private);
  EXPECT_EQ(app.http_triggers[2].route, "");
  EXPECT_EQ(app.http_triggers[3].id, "http-trigger1");
  EXPECT_EQ(app.http_triggers[3].component, "http-trigger1-component");
  ASSERT_EQ(app.redis_triggers.size(), 1u);
  EXPECT_EQ(app.redis_triggers[0].id, "cart-redis-trigger");
  EXPECT_EQ(app.redis_triggers[0].channel, "orders");
  EXPECT_EQ(app.redis_triggers[0].address, "redis://localhost:6379");
}

// ---------------------------------------------------------------------------
// Normalization

TEST(ManifestNormalize, TriggerIds) {
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_manifest_version = 2
[application]
name = "ids"
[[trigger.http]]
route = "/one"
component = "a"
[[trigger.http]]
route = "/two"
component = "a"
[[trigger.http]]
id = "http-trigger1"
route = "/three"
component = "a"
[[trigger.http]]
route = "/four"
component = "a"
[[trigger.redis]]
channel = "c"
address = "redis://h"
component = "a"
[component.a]
source = "a.wasm"
)");
  const App app = MustLoad(dir);
  ASSERT_EQ(app.http_triggers.size(), 4u);
  EXPECT_EQ(app.http_triggers[0].id, "a-http-trigger");  // natural id
  EXPECT_EQ(app.http_triggers[1].id, "http-trigger2");   // natural taken; 1 is explicit
  EXPECT_EQ(app.http_triggers[2].id, "http-trigger1");   // explicit, kept
  EXPECT_EQ(app.http_triggers[3].id, "http-trigger3");
  ASSERT_EQ(app.redis_triggers.size(), 1u);
  EXPECT_EQ(app.redis_triggers[0].id, "a-redis-trigger");
  EXPECT_EQ(app.redis_triggers[0].address, "redis://h");  // the trigger's own
}

TEST(ManifestNormalize, InlineComponentIds) {
  AppDir dir;
  dir.Write("x.wasm");
  dir.Manifest(R"(spin_manifest_version = 2
[application]
name = "inline"
[[trigger.http]]
id = "web"
route = "/a"
component = { source = "x.wasm" }
[[trigger.http]]
id = "Bad_Id"
route = "/b"
component = { source = "x.wasm" }
[[trigger.http]]
id = "clash"
route = "/c"
component = { source = "x.wasm" }
[[trigger.http]]
route = "/d"
component = { source = "x.wasm" }
[component.clash-component]
source = "x.wasm"
)");
  const App app = MustLoad(dir);
  ASSERT_EQ(app.http_triggers.size(), 4u);
  EXPECT_EQ(app.http_triggers[0].component, "web-component");
  EXPECT_EQ(app.http_triggers[1].component, "inline-component1");  // not a kebab id
  EXPECT_EQ(app.http_triggers[2].component, "inline-component2");  // clashes
  EXPECT_EQ(app.http_triggers[3].id, "http-trigger1");
  EXPECT_EQ(app.http_triggers[3].component, "http-trigger1-component");
  ASSERT_EQ(app.components.size(), 5u);
  EXPECT_EQ(app.components[0].id, "clash-component");
}

TEST(ManifestNormalize, V1IdsBecomeKebab) {
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_version = "1"
name = "ids"
trigger = { type = "http", base = "/" }
[[component]]
id = "My_Component"
source = "a.wasm"
[component.trigger]
route = "/"
)");
  const App app = MustLoad(dir);
  ASSERT_EQ(app.components.size(), 1u);
  EXPECT_EQ(app.components[0].id, "my-component");
  EXPECT_EQ(app.http_triggers[0].id, "trigger-my-component");
  EXPECT_EQ(app.http_triggers[0].component, "my-component");
}

TEST(ManifestNormalize, V1IdsOfSpin1AreKept) {
  // Spin 1's docs/spin.toml had "redirect-sip-001", not a kebab id.
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_version = "1"
name = "ids"
trigger = { type = "http", base = "/" }
[[component]]
id = "Redirect_SIP_001"
source = "a.wasm"
[component.trigger]
route = "/"
)");
  const App app = MustLoad(dir);
  ASSERT_EQ(app.components.size(), 1u);
  EXPECT_EQ(app.components[0].id, "redirect-sip-001");
}

TEST(ManifestNormalize, V1AllowedHttpHostsWithoutOutboundKey) {
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_version = "1"
name = "hosts"
trigger = { type = "http", base = "/" }
[[component]]
id = "a"
source = "a.wasm"
allowed_http_hosts = ["insecure:allow-all"]
[component.trigger]
route = "/"
[[component]]
id = "b"
source = "a.wasm"
allowed_outbound_hosts = []
[component.trigger]
route = "/b"
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.components[0].allowed_outbound_hosts,
            (Strings{"redis://*:*", "mysql://*:*", "postgres://*:*", "http://*:*", "https://*:*",
                     "http://self"}));
  // Present but empty grants nothing.
  EXPECT_TRUE(app.components[1].allowed_outbound_hosts.empty());
  // Denials name where the list was written (the value's position).
  EXPECT_EQ(app.components[0].allowed_outbound_hosts_where.line, 7);
  EXPECT_EQ(app.components[1].allowed_outbound_hosts_where.line, 13);
}

TEST(ManifestNormalize, V2AllowedHttpHostsAreAppended) {
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_manifest_version = 2
[application]
name = "hosts"
[[trigger.http]]
route = "/"
component = "a"
[component.a]
source = "a.wasm"
allowed_outbound_hosts = ["mysql://db"]
allowed_http_hosts = ["self", "https://Example.COM:443/"]
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.components[0].allowed_outbound_hosts,
            (Strings{"mysql://db", "http://self", "http://example.com", "https://example.com"}));
  EXPECT_EQ(app.components[0].allowed_outbound_hosts_where.line, 9);
}

TEST(ManifestNormalize, V2HttpBase) {
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_manifest_version = 2
[application]
name = "base"
[application.trigger.http]
base = "/api"
[[trigger.http]]
route = "/"
component = "a"
[component.a]
source = "a.wasm"
)");
  EXPECT_EQ(MustLoad(dir).http_base, "/api");
}

TEST(ManifestNormalize, V1BaseOtherThanSlashIsKept) {
  // Spin 1/2 behaviour: effective route = base + route; Spin 3's "base must
  // be /" is not enforced.
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_version = "1"
name = "base"
trigger = { type = "http", base = "/shop" }
[[component]]
id = "a"
source = "a.wasm"
[component.trigger]
route = "/cart"
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.http_base, "/shop");
  EXPECT_EQ(app.http_triggers[0].route, "/cart");
}

TEST(ManifestNormalize, V1BaseDefaultsToSlash) {
  // Spin 2+ accept a v1 http trigger without `base`; Spin's own examples rely on it.
  AppDir dir;
  dir.Write("a.wasm");
  dir.Manifest(R"(spin_version = "1"
name = "nobase"
trigger = { type = "http" }
[[component]]
id = "a"
source = "a.wasm"
[component.trigger]
route = "/cart"
)");
  const App app = MustLoad(dir);
  EXPECT_EQ(app.http_base, "/");
}

TEST(ManifestNormalize, LoadsFromFilePathToo) {
  AppDir dir;
  dir.Write("a.wasm");
  dir.Write("other.toml", R"(spin_manifest_version = 2
[application]
name = "x"
[[trigger.http]]
route = "/..."
component = "a"
[component.a]
source = "a.wasm"
)");
  Result<App> app = LoadManifest(dir.root() / "other.toml");
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->manifest_path, dir.root() / "other.toml");
  EXPECT_EQ(app->root, dir.root());
}

// ---------------------------------------------------------------------------
// Errors: message and position

struct ErrorCase {
  const char* name;
  std::string manifest;
  std::string expected;
};

void PrintTo(const ErrorCase& error_case, std::ostream* out) { *out << error_case.name; }

class ManifestError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ManifestError, ReportsPositionAndReason) {
  AppDir dir;
  dir.Write("a.wasm");
  dir.Write("b.wasm");
  dir.Manifest(GetParam().manifest);
  EXPECT_EQ(dir.Error(), GetParam().expected);
}

const std::string kV1Head =
    "spin_version = \"1\"\n"
    "name = \"x\"\n"
    "trigger = { type = \"http\", base = \"/\" }\n";

INSTANTIATE_TEST_SUITE_P(
    Manifest, ManifestError,
    ::testing::Values(
        ErrorCase{"UnknownComponentKeyV1",
                  kV1Head + "[[component]]\nid = \"cart\"\nsource = \"a.wasm\"\n"
                            "sorce = \"a.wasm\"\n[component.trigger]\nroute = \"/\"\n",
                  "spin.toml:7:1: unknown key 'sorce' in [[component]] 'cart'"},
        ErrorCase{"UnknownComponentKeyV2", V2("", "sorce = \"x\"\n"),
                  "spin.toml:9:1: unknown key 'sorce' in [component.a]"},
        ErrorCase{"UnknownTopLevelKeyV1", kV1Head + "nmae = \"y\"\n",
                  "spin.toml:4:1: unknown key 'nmae' in the top-level table"},
        ErrorCase{"UnknownTopLevelKeyV2", "colour = 1\n" + V2(""),
                  "spin.toml:1:1: unknown key 'colour' in the top-level table"},
        ErrorCase{"UnknownApplicationKey", V2("nmae = \"y\"\n"),
                  "spin.toml:4:1: unknown key 'nmae' in [application]"},
        ErrorCase{"UnknownHttpTriggerKey",
                  V2("[[trigger.http]]\nroute = \"/x\"\ncomponent = \"a\"\nchannel = \"c\"\n"),
                  "spin.toml:7:1: unknown key 'channel' in [[trigger.http]]"},
        ErrorCase{"UnknownRedisTriggerKey",
                  V2("[[trigger.redis]]\nchannel = \"c\"\naddress = \"redis://h\"\n"
                     "component = \"a\"\nroute = \"/\"\n"),
                  "spin.toml:8:1: unknown key 'route' in [[trigger.redis]]"},
        ErrorCase{"UnknownV1TriggerKey",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = \"/\"\nchannel = \"c\"\n",
                  "spin.toml:9:1: unknown key 'channel' in [component.trigger] of 'a'"},
        ErrorCase{"UnknownExecutorKey",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = \"/\"\n"
                            "executor = { type = \"spin\", argv = \"x\" }\n",
                  "spin.toml:9:29: unknown key 'argv' in the executor of [component.trigger] "
                  "of 'a'"},
        ErrorCase{"UnknownExecutorType",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = \"/\"\nexecutor = { type = \"cgi\" }\n",
                  "spin.toml:9:21: unknown HTTP executor type 'cgi' (expected \"spin\", "
                  "\"http\" or \"wagi\")"},
        ErrorCase{"VersionStringTwo", "spin_manifest_version = \"2\"\n",
                  "spin.toml:1:25: unsupported manifest version \"2\" (expected "
                  "spin_manifest_version = 2, or spin_manifest_version = \"1\" for a v1 "
                  "manifest)"},
        ErrorCase{"VersionIntegerOne", "spin_version = 1\n",
                  "spin.toml:1:16: unsupported manifest version 1 (expected "
                  "spin_manifest_version = 2, or spin_manifest_version = \"1\" for a v1 "
                  "manifest)"},
        ErrorCase{"VersionThree", "spin_manifest_version = 3\n",
                  "spin.toml:1:25: unsupported manifest version 3 (expected "
                  "spin_manifest_version = 2, or spin_manifest_version = \"1\" for a v1 "
                  "manifest)"},
        ErrorCase{"VersionMissing", "name = \"x\"\n",
                  "spin.toml:1:1: missing spin_manifest_version (2, or \"1\" for a v1 "
                  "manifest)"},
        ErrorCase{"BadToml", "spin_manifest_version = 2\nname = \n",
                  "spin.toml:2:8: invalid TOML: Error while parsing key-value pair: "
                  "expected value, saw '\\n'"},
        ErrorCase{"DuplicateComponentIdV1",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = \"/a\"\n"
                            "[[component]]\nid = \"a\"\nsource = \"b.wasm\"\n"
                            "[component.trigger]\nroute = \"/b\"\n",
                  "spin.toml:10:6: duplicate component id 'a' (first defined at "
                  "spin.toml:5:6)"},
        ErrorCase{"DuplicateComponentIdAfterKebabConversion",
                  kV1Head + "[[component]]\nid = \"a-b\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = \"/a\"\n"
                            "[[component]]\nid = \"A_B\"\nsource = \"b.wasm\"\n"
                            "[component.trigger]\nroute = \"/b\"\n",
                  "spin.toml:10:6: duplicate component id 'a-b' (first defined at "
                  "spin.toml:5:6)"},
        ErrorCase{"BadV1ComponentId",
                  kV1Head + "[[component]]\nid = \"a.b\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = \"/a\"\n",
                  "spin.toml:5:6: invalid component id 'a.b': '-'-separated words may only "
                  "contain ASCII letters and digits"},
        ErrorCase{"DuplicateRouteV1",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = \"/a\"\n"
                            "[[component]]\nid = \"b\"\nsource = \"b.wasm\"\n"
                            "[component.trigger]\nroute = \"/a/\"\n",
                  "spin.toml:13:9: duplicate route '/a/' (component 'b'); component 'a' "
                  "already has it at spin.toml:8:9"},
        ErrorCase{"DuplicateRouteV2",
                  V2("[[trigger.http]]\nroute = \"/...\"\ncomponent = \"a\"\n"
                     "[[trigger.http]]\nroute = \"/*\"\ncomponent = \"a\"\n"),
                  "spin.toml:8:9: duplicate route '/*' (component 'a'); component 'a' "
                  "already has it at spin.toml:5:9"},
        ErrorCase{"TriggerNamesMissingComponent",
                  V2("[[trigger.http]]\nroute = \"/x\"\ncomponent = \"nope\"\n"),
                  "spin.toml:6:13: trigger 'nope-http-trigger' names component 'nope', which "
                  "is not defined"},
        ErrorCase{"TriggerWithoutComponent", V2("[[trigger.http]]\nroute = \"/x\"\n"),
                  "spin.toml:4:1: [[trigger.http]] is missing 'component'"},
        ErrorCase{"MissingSourceFile", V2("", "[component.b]\nsource = \"missing.wasm\"\n"),
                  "spin.toml:10:10: component 'b': source file 'missing.wasm' does not exist "
                  "(looked for missing.wasm)"},
        ErrorCase{"MissingSourceKey", V2("", "[component.b]\ndescription = \"d\"\n"),
                  "spin.toml:9:1: [component.b] is missing 'source'"},
        ErrorCase{"RemoteSource",
                  V2("", "[component.b]\nsource = { url = \"https://x/y.wasm\", digest = "
                         "\"sha256:00\" }\n"),
                  "spin.toml:10:10: component 'b': remote sources ({ url, digest }) are not "
                  "supported yet; download the file and give its path"},
        ErrorCase{"RegistrySource",
                  V2("", "[component.b]\nsource = { package = \"a:b\", version = \"1.0.0\" }\n"),
                  "spin.toml:10:10: component 'b': registry sources ({ package, version }) "
                  "are not supported yet"},
        ErrorCase{"UnsupportedTriggerTypeV2",
                  V2("[[trigger.cron]]\ncron_expression = \"* * * * *\"\ncomponent = \"a\"\n"),
                  "spin.toml:4:11: trigger type 'cron' is not supported (Spindle runs http and "
                  "redis triggers)"},
        ErrorCase{"UnsupportedTriggerTypeV1",
                  "spin_version = \"1\"\nname = \"x\"\ntrigger = { type = \"sqs\" }\n",
                  "spin.toml:3:20: trigger type 'sqs' is not supported (Spindle runs http and "
                  "redis triggers)"},
        ErrorCase{"V1RedisAddressRequired",
                  "spin_version = \"1\"\nname = \"x\"\ntrigger = { type = \"redis\" }\n",
                  "spin.toml:3:11: the application trigger is missing 'address'"},
        ErrorCase{"V1ComponentTriggerRequired",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n",
                  "spin.toml:4:1: [[component]] 'a' is missing 'trigger'"},
        ErrorCase{"V1RouteRequired",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nexecutor = { type = \"spin\" }\n",
                  "spin.toml:7:1: [component.trigger] of 'a' is missing 'route'"},
        ErrorCase{"V1PrivateRouteNotAllowed",
                  kV1Head + "[[component]]\nid = \"a\"\nsource = \"a.wasm\"\n"
                            "[component.trigger]\nroute = { private = true }\n",
                  "spin.toml:8:9: 'route' in [component.trigger] of 'a' must be a string, not "
                  "a table"},
        ErrorCase{"PrivateFalse",
                  V2("[[trigger.http]]\nroute = { private = false }\ncomponent = \"a\"\n"),
                  "spin.toml:5:9: a route table must be { private = true }"},
        ErrorCase{"RedisWithoutAddress",
                  V2("[[trigger.redis]]\nchannel = \"c\"\ncomponent = \"a\"\n"),
                  "spin.toml:4:1: trigger 'a-redis-trigger' has no Redis address; set "
                  "'address' here or in [application.trigger.redis]"},
        ErrorCase{"RedisChannelRequired",
                  V2("[[trigger.redis]]\naddress = \"redis://h\"\ncomponent = \"a\"\n"),
                  "spin.toml:4:1: [[trigger.redis]] 'a-redis-trigger' is missing 'channel'"},
        ErrorCase{"ComponentIdNotKebab", V2("", "[component.My_Comp]\nsource = \"a.wasm\"\n"),
                  "spin.toml:9:12: invalid component id 'My_Comp': '-'-separated words must be "
                  "all lower-case or all upper-case"},
        ErrorCase{"VariableNameNotLowerSnake", V2("[variables]\nApiHost = { default = \"x\" }\n"),
                  "spin.toml:5:1: invalid variable name 'ApiHost': it must be all lower-case"},
        ErrorCase{"VariableNameUpper", V2("[variables]\nAPI = { default = \"x\" }\n"),
                  "spin.toml:5:1: invalid variable name 'API': it must be all lower-case"},
        ErrorCase{"VariableRequiredAndDefault",
                  V2("[variables]\nv = { required = true, default = \"x\" }\n"),
                  "spin.toml:5:1: variable 'v' must be `required` OR have a `default`"},
        ErrorCase{"VariableNeither", V2("[variables]\nv = { secret = true }\n"),
                  "spin.toml:5:1: variable 'v' must be `required` OR have a `default`"},
        ErrorCase{"VariableUnknownKey", V2("[variables]\nv = { default = \"x\", sekret = true }\n"),
                  "spin.toml:5:22: unknown key 'sekret' in variable 'v'"},
        ErrorCase{"ComponentVariableUndeclared", V2("", "variables = { k = \"{{ nope }}\" }\n"),
                  "spin.toml:9:19: '{{ nope }}' names variable 'nope', which is not declared "
                  "in [variables]"},
        ErrorCase{"ComponentVariableUnclosed",
                  V2("[variables]\nv = { default = \"x\" }\n", "variables = { k = \"{{ v\" }\n"),
                  "spin.toml:11:19: unclosed '{{' in template \"{{ v\""},
        ErrorCase{"ComponentVariableBadName", V2("", "variables = { Key = \"x\" }\n"),
                  "spin.toml:9:15: invalid variables name 'Key': it must be all lower-case"},
        ErrorCase{"OutboundHostWithPath",
                  V2("", "allowed_outbound_hosts = [\"https://example.com/api\"]\n"),
                  "spin.toml:9:27: invalid allowed_outbound_hosts entry "
                  "\"https://example.com/api\": hosts must not contain paths"},
        ErrorCase{"OutboundHostWithoutScheme",
                  V2("", "allowed_outbound_hosts = [\"ok://x:1\", \"example.com\"]\n"),
                  "spin.toml:9:39: invalid allowed_outbound_hosts entry \"example.com\": it "
                  "has no scheme (e.g. 'http://' or '*://')"},
        ErrorCase{"OutboundHostAllowAll",
                  V2("", "allowed_outbound_hosts = [\"insecure:allow-all\"]\n"),
                  "spin.toml:9:27: invalid allowed_outbound_hosts entry \"insecure:allow-all\": "
                  "it is not allowed here; use '*://*:*' to allow all outbound traffic"},
        ErrorCase{"OutboundHostTemplateUndeclared",
                  V2("", "allowed_outbound_hosts = [\"https://{{ host }}\"]\n"),
                  "spin.toml:9:27: '{{ host }}' names variable 'host', which is not declared "
                  "in [variables]"},
        ErrorCase{"HttpHostWithPath", V2("", "allowed_http_hosts = [\"ok.com\", \"x.com/api\"]\n"),
                  "spin.toml:9:33: invalid allowed_http_hosts entry: \"x.com/api\" contains a "
                  "path, should be host and optional port only"},
        ErrorCase{"HttpHostFtp", V2("", "allowed_http_hosts = [\"ftp://x.com\"]\n"),
                  "spin.toml:9:23: invalid allowed_http_hosts entry: \"ftp://x.com\" isn't a "
                  "valid host or host:port string"},
        ErrorCase{"WrongType", V2("", "environment = [\"A=b\"]\n"),
                  "spin.toml:9:15: 'environment' in [component.a] must be a table, not an "
                  "array"},
        ErrorCase{"WrongElementType", V2("", "key_value_stores = [\"default\", 3]\n"),
                  "spin.toml:9:32: 'key_value_stores' in [component.a] must hold only "
                  "strings, not an integer"},
        ErrorCase{"BadStoreLabel", V2("", "key_value_stores = [\"my store\"]\n"),
                  "spin.toml:9:21: invalid key_value_stores label 'my store': expected "
                  "kebab-case or snake_case"},
        ErrorCase{"BadAiModel", V2("", "ai_models = [\"llama2_chat\"]\n"),
                  "spin.toml:9:14: invalid ai_models entry 'llama2_chat': '-'-separated words "
                  "may only contain ASCII letters and digits"},
        ErrorCase{"FilesEscapeRoot", V2("", "files = [\"../secrets\"]\n"),
                  "spin.toml:9:10: files entry '../secrets' is outside the application "
                  "directory"},
        ErrorCase{"FilesAbsolute", V2("", "files = [\"/etc/passwd\"]\n"),
                  "spin.toml:9:10: files entry '/etc/passwd' is outside the application "
                  "directory"},
        ErrorCase{"FilesMappingEscapesRoot",
                  V2("", "files = [{ source = \"a/../../x\", destination = \"/x\" }]\n"),
                  "spin.toml:9:21: files source 'a/../../x' is outside the application "
                  "directory"},
        ErrorCase{"FilesMappingUnknownKey",
                  V2("", "files = [{ source = \"a\", destination = \"/x\", mode = \"ro\" }]\n"),
                  "spin.toml:9:46: unknown key 'mode' in a 'files' entry of [component.a]"},
        ErrorCase{"FilesMappingNeedsDestination", V2("", "files = [{ source = \"a\" }]\n"),
                  "spin.toml:9:10: a 'files' entry of [component.a] is missing 'destination'"},
        ErrorCase{"FilesDestinationEscapes",
                  V2("", "files = [{ source = \"a\", destination = \"/../x\" }]\n"),
                  "spin.toml:9:40: files destination '/../x' leaves '/'"},
        ErrorCase{"BadExcludePattern", V2("", "exclude_files = [\"a/[bc\"]\n"),
                  "spin.toml:9:18: invalid exclude_files pattern 'a/[bc': unclosed character "
                  "class '['"},
        ErrorCase{"BuildNeedsCommand", V2("", "[component.a.build]\nwatch = [\"x\"]\n"),
                  "spin.toml:9:1: the build of [component.a] is missing 'command'"},
        ErrorCase{"BuildUnknownKey",
                  V2("", "[component.a.build]\ncommand = \"make\"\ndir = \"x\"\n"),
                  "spin.toml:11:1: unknown key 'dir' in the build of [component.a]"},
        ErrorCase{"Dependencies",
                  V2("", "[component.a.dependencies]\n\"x:y\" = \"1.0\"\n"),
                  "spin.toml:9:1: component dependencies are not supported yet"},
        ErrorCase{"NameRequiredV2", "spin_manifest_version = 2\n[application]\nversion = \"1\"\n",
                  "spin.toml:2:1: [application] is missing 'name'"},
        ErrorCase{"TriggersRequiredV2", "spin_manifest_version = 2\n[application]\nname = \"x\"\n",
                  "spin.toml:1:1: the top-level table is missing 'trigger'"},
        ErrorCase{"BothVersionKeys",
                  "spin_manifest_version = 2\nspin_version = \"1\"\n",
                  "spin.toml:2:1: both spin_manifest_version and spin_version are set; keep "
                  "one"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return std::string(info.param.name); });

TEST(ManifestErrors, MissingManifestIsAnIoError) {
  AppDir dir;
  Result<App> app = dir.Load();
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.error().phase, Phase::kIo);
  EXPECT_NE(app.error().message.find("spin.toml: no such file"), std::string::npos);
}

TEST(ManifestErrors, SourceThatIsADirectory) {
  AppDir dir;
  fs::create_directories(dir.root() / "a.wasm");
  dir.Manifest(V2(""));
  EXPECT_EQ(dir.Error(),
            "spin.toml:8:10: component 'a': source 'a.wasm' is a directory, not a .wasm file");
}

TEST(ManifestErrors, PathInMessageIsTheOneGiven) {
  AppDir dir;
  dir.Write("a.wasm");
  const std::string text = V2("", "sorce = \"x\"\n");
  Result<App> app = ParseManifest(text, dir.root() / "sub" / ".." / "spin.toml");
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.error().message,
            (dir.root() / "spin.toml").string() + ":9:1: unknown key 'sorce' in [component.a]");
}

}  // namespace
}  // namespace spindle::app
