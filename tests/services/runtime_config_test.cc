// runtime-config.toml (spin-compat.md §6.5): good files, defaults, and
// errors that point at file:line:col.
#include "services/runtime_config.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace spindle::services {
namespace {

using services_test::TempDir;
using services_test::WriteFile;

Result<RuntimeConfig> Parse(const std::string& text,
                            std::optional<std::filesystem::path> state_dir = std::nullopt) {
  return ParseRuntimeConfig(text, "/cfg/runtime-config.toml", "/app", state_dir);
}

std::string ErrorOf(const std::string& text) {
  Result<RuntimeConfig> config = Parse(text);
  EXPECT_FALSE(config.ok()) << text;
  return config.ok() ? "" : config.error().message;
}

TEST(RuntimeConfig, Defaults) {
  const RuntimeConfig config = DefaultRuntimeConfig("/app");
  EXPECT_EQ(config.state_dir, "/app/.spin");
  ASSERT_TRUE(config.key_value_stores.count("default"));
  EXPECT_EQ(config.key_value_stores.at("default").type, KeyValueStoreConfig::Type::kSpin);
  EXPECT_EQ(config.key_value_stores.at("default").path, "/app/.spin/sqlite_key_value.db");
  ASSERT_TRUE(config.sqlite_databases.count("default"));
  EXPECT_EQ(config.sqlite_databases.at("default").path, "/app/.spin/sqlite_db.db");
  EXPECT_TRUE(config.variables_providers.empty());
}

TEST(RuntimeConfig, FullFile) {
  Result<RuntimeConfig> config = Parse(R"(
state_dir = "state"
log_dir = "/var/log/app"

[key_value_store.default]
type = "spin"
path = "data/kv.db"

[key_value_store.memory]
type = "spin"

[key_value_store.cache]
type = "redis"
url = "redis://localhost:6379/1"

[sqlite_database.default]
type = "spin"
path = "db.sqlite"

[sqlite_database.scratch]
type = "spin"

[[variables_provider]]
type = "static"
values = { a = "1", b = "2" }

[[config_provider]]
type = "env"
prefix = "APP"
dotenv_path = "vars.env"
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->file, "/cfg/runtime-config.toml");
  EXPECT_EQ(config->state_dir, "/cfg/state");
  EXPECT_EQ(config->log_dir, std::filesystem::path("/var/log/app"));
  EXPECT_EQ(config->key_value_stores.at("default").path, "/cfg/data/kv.db");
  EXPECT_FALSE(config->key_value_stores.at("memory").path.has_value());
  EXPECT_EQ(config->key_value_stores.at("cache").type, KeyValueStoreConfig::Type::kRedis);
  EXPECT_EQ(config->key_value_stores.at("cache").url, "redis://localhost:6379/1");
  EXPECT_EQ(config->key_value_stores.at("cache").where.ToString(),
            "/cfg/runtime-config.toml:12:18");
  EXPECT_EQ(config->sqlite_databases.at("default").path, "/cfg/db.sqlite");
  EXPECT_FALSE(config->sqlite_databases.at("scratch").path.has_value());
  ASSERT_EQ(config->variables_providers.size(), 2u);
  EXPECT_EQ(config->variables_providers[0].type, VariablesProviderConfig::Type::kStatic);
  EXPECT_EQ(config->variables_providers[0].values.at("b"), "2");
  EXPECT_EQ(config->variables_providers[1].type, VariablesProviderConfig::Type::kEnv);
  EXPECT_EQ(config->variables_providers[1].prefix, "APP");
  EXPECT_EQ(config->variables_providers[1].dotenv_path, std::filesystem::path("/cfg/vars.env"));
}

TEST(RuntimeConfig, ImplicitDefaultsFollowStateDir) {
  Result<RuntimeConfig> config = Parse("[key_value_store.other]\ntype = \"spin\"\n");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->state_dir, "/app/.spin");
  EXPECT_EQ(config->key_value_stores.at("default").path, "/app/.spin/sqlite_key_value.db");
  Result<RuntimeConfig> overridden =
      Parse("state_dir = \"x\"\n", std::filesystem::path("/override"));
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->state_dir, "/override");
  EXPECT_EQ(overridden->sqlite_databases.at("default").path, "/override/sqlite_db.db");
  Result<RuntimeConfig> no_state = Parse("state_dir = \"\"\n");
  ASSERT_TRUE(no_state.ok());
  EXPECT_TRUE(no_state->state_dir.empty());
  EXPECT_FALSE(no_state->key_value_stores.at("default").path.has_value());  // in memory
}

TEST(RuntimeConfig, ErrorsHaveFileLineColumn) {
  EXPECT_EQ(ErrorOf("[key_value_store.x]\ntype = \"mongo\"\n"),
            "/cfg/runtime-config.toml:2:8: [key_value_store.x]: unknown key-value store type "
            "\"mongo\" (expected \"spin\" or \"redis\")");
  EXPECT_NE(ErrorOf("[key_value_store.x]\ntype = \"spin\"\npat = \"a\"\n")
                .find("runtime-config.toml:3:1: unknown key 'pat'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[key_value_store.x]\ntype = \"spin\"\npath = 3\n")
                .find("runtime-config.toml:3:8: 'path' in [key_value_store.x] must be a string, "
                      "not an integer"),
            std::string::npos);
  EXPECT_NE(ErrorOf("\n\nfoo = 1\n").find("runtime-config.toml:3:1: unknown key 'foo'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[key_value_store.x]\npath = \"a\"\n")
                .find("runtime-config.toml:1:1: [key_value_store.x] has no 'type'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[key_value_store.r]\ntype = \"redis\"\n").find("needs a 'url'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[[variables_provider]]\ntype = \"static\"\nvalues = { a = 1 }\n")
                .find("runtime-config.toml:3:16: value of 'a'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("key_value_store = 5\n").find("runtime-config.toml:1:19"), std::string::npos);
  EXPECT_NE(ErrorOf("[x\n").find("runtime-config.toml:1:"), std::string::npos);  // TOML syntax
}

TEST(RuntimeConfig, CloudBackendsAreNotSupported) {
  for (const char* text :
       {"[key_value_store.c]\ntype = \"azure_cosmos\"\n",
        "[key_value_store.d]\ntype = \"aws_dynamo\"\n", "[sqlite_database.l]\ntype = \"libsql\"\n",
        "[[variables_provider]]\ntype = \"vault\"\n",
        "[[config_provider]]\ntype = \"azure_key_vault\"\n", "[llm_compute]\ntype = \"spin\"\n"}) {
    const std::string error = ErrorOf(text);
    EXPECT_NE(error.find("not supported by Spindle"), std::string::npos) << error;
    EXPECT_NE(error.find("runtime-config.toml:"), std::string::npos) << error;
  }
}

TEST(RuntimeConfig, LoadFromFile) {
  TempDir dir;
  WriteFile(dir.path() + "/rc.toml", "[sqlite_database.db]\ntype = \"spin\"\npath = \"d.db\"\n");
  Result<RuntimeConfig> config = LoadRuntimeConfig(dir.path() + "/rc.toml", dir.path());
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->sqlite_databases.at("db").path, std::filesystem::path(dir.path()) / "d.db");
  Result<RuntimeConfig> missing = LoadRuntimeConfig(dir.path() + "/none.toml", dir.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("none.toml"), std::string::npos);
}

}  // namespace
}  // namespace spindle::services

namespace spindle::services {
namespace {

TEST(RuntimeConfig, ProvidersKeepFileOrderAcrossBothSpellings) {
  Result<RuntimeConfig> config = ParseRuntimeConfig(
      "[[variables_provider]]\ntype = \"static\"\n\n[[config_provider]]\ntype = \"env\"\n\n"
      "[[variables_provider]]\ntype = \"env\"\nprefix = \"LAST\"\n",
      "rc.toml", "/app");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->variables_providers.size(), 3u);
  EXPECT_EQ(config->variables_providers[0].type, VariablesProviderConfig::Type::kStatic);
  EXPECT_EQ(config->variables_providers[1].prefix, "SPIN_VARIABLE");
  EXPECT_EQ(config->variables_providers[2].prefix, "LAST");
}

}  // namespace
}  // namespace spindle::services
