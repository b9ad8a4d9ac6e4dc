// Variable resolution order (spin-compat.md §1.8): configured providers in
// order, then SPIN_VARIABLE_* / SPIN_CONFIG_* / .env, then defaults;
// component config templates; and secrets kept out of logs and errors.
#include "services/variables.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace spindle::services {
namespace {

using services_test::LogCapture;
using services_test::TempDir;
using services_test::WriteFile;

struct Fixture {
  app::App app;
  std::map<std::string, std::string> env;
  TempDir dir;

  Fixture() {
    app.variables.push_back({"greeting", std::string("hello"), false, false, {"spin.toml", 3, 1}});
    app.variables.push_back({"api_key", std::nullopt, true, true, {"spin.toml", 4, 1}});
    app.variables.push_back({"region", std::string("eu"), false, false, {"spin.toml", 5, 1}});
    app::Component component;
    component.id = "web";
    component.variables = {{"message", "{{ greeting }}, world from {{region}}"},
                           {"key", "{{ api_key }}"},
                           {"literal", "plain"}};
    app.components.push_back(component);
  }

  VariablesOptions Options(std::vector<VariablesProviderConfig> providers = {}) {
    VariablesOptions options;
    options.providers = std::move(providers);
    options.working_dir = dir.path();
    options.environment = [this](const std::string& name) -> std::optional<std::string> {
      const auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    return options;
  }
};

VariablesProviderConfig Static(std::map<std::string, std::string> values) {
  VariablesProviderConfig provider;
  provider.type = VariablesProviderConfig::Type::kStatic;
  provider.values = std::move(values);
  provider.where = {"runtime-config.toml", 1, 1};
  return provider;
}

TEST(Variables, DefaultsAndEnvironment) {
  Fixture f;
  f.env["SPIN_VARIABLE_API_KEY"] = "k-123";
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_TRUE(variables.ok()) << variables.error().message;
  EXPECT_EQ((*variables)->Value("greeting"), "hello");
  EXPECT_EQ((*variables)->Value("api_key"), "k-123");
  auto message = (*variables)->Get("web", "message");
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(*message, "hello, world from eu");
  EXPECT_EQ(*(*variables)->Get("web", "literal"), "plain");
}

TEST(Variables, RequiredWithoutValueNamesVariableAndPosition) {
  Fixture f;
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_FALSE(variables.ok());
  EXPECT_NE(variables.error().message.find("'api_key'"), std::string::npos);
  EXPECT_NE(variables.error().message.find("spin.toml:4:1"), std::string::npos);
  EXPECT_NE(variables.error().message.find("SPIN_VARIABLE_API_KEY"), std::string::npos);
}

TEST(Variables, ProvidersInOrderThenEnvThenDefault) {
  Fixture f;
  f.env["SPIN_VARIABLE_GREETING"] = "from-env";
  f.env["SPIN_VARIABLE_REGION"] = "us";
  f.env["SPIN_VARIABLE_API_KEY"] = "env-key";
  auto variables = Variables::Create(
      f.app, f.Options({Static({{"greeting", "first"}}),
                        Static({{"greeting", "second"}, {"api_key", "static-key"}})}));
  ASSERT_TRUE(variables.ok()) << variables.error().message;
  EXPECT_EQ((*variables)->Value("greeting"), "first");
  EXPECT_EQ((*variables)->Value("api_key"), "static-key");
  EXPECT_EQ((*variables)->Value("region"), "us");  // no provider has it: env
}

TEST(Variables, ConfiguredEnvProviderWithPrefixAndDotenv) {
  Fixture f;
  WriteFile(f.dir.path() + "/custom.env",
            "# comment\nMYAPP_API_KEY='from dotenv'\nexport MYAPP_REGION=\"ap\\tx\"\n");
  f.env["MYAPP_GREETING"] = "prefixed";
  VariablesProviderConfig env;
  env.type = VariablesProviderConfig::Type::kEnv;
  env.prefix = "MYAPP";
  env.dotenv_path = f.dir.path() + "/custom.env";
  auto variables = Variables::Create(f.app, f.Options({env}));
  ASSERT_TRUE(variables.ok()) << variables.error().message;
  EXPECT_EQ((*variables)->Value("greeting"), "prefixed");
  EXPECT_EQ((*variables)->Value("api_key"), "from dotenv");
  EXPECT_EQ((*variables)->Value("region"), "ap\tx");
}

TEST(Variables, MissingConfiguredDotenvIsAnError) {
  Fixture f;
  VariablesProviderConfig env;
  env.dotenv_path = f.dir.path() + "/missing.env";
  env.where = {"runtime-config.toml", 9, 1};
  auto variables = Variables::Create(f.app, f.Options({env}));
  ASSERT_FALSE(variables.ok());
  EXPECT_NE(variables.error().message.find("runtime-config.toml:9:1"), std::string::npos);
}

TEST(Variables, DotenvInWorkingDirectory) {
  Fixture f;
  WriteFile(f.dir.path() + "/.env",
            "SPIN_VARIABLE_API_KEY=dot\nSPIN_VARIABLE_REGION=from-dotenv # note\n");
  f.env["SPIN_VARIABLE_REGION"] = "env-wins";
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_TRUE(variables.ok()) << variables.error().message;
  EXPECT_EQ((*variables)->Value("api_key"), "dot");
  EXPECT_EQ((*variables)->Value("region"), "env-wins");
}

TEST(Variables, MalformedDotenvIsAnErrorWithoutValues) {
  Fixture f;
  WriteFile(f.dir.path() + "/.env", "SPIN_VARIABLE_API_KEY=\"unclosed-secret\n");
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_FALSE(variables.ok());
  EXPECT_NE(variables.error().message.find(".env:1"), std::string::npos)
      << variables.error().message;
  EXPECT_EQ(variables.error().message.find("unclosed-secret"), std::string::npos);
}

TEST(Variables, LegacySpinConfigNameWarns) {
  Fixture f;
  f.env["SPIN_CONFIG_API_KEY"] = "legacy";
  LogCapture logs;
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_TRUE(variables.ok()) << variables.error().message;
  EXPECT_EQ((*variables)->Value("api_key"), "legacy");
  EXPECT_NE(logs.text().find("SPIN_CONFIG_API_KEY is deprecated"), std::string::npos)
      << logs.text();
  EXPECT_NE(logs.text().find("SPIN_VARIABLE_API_KEY"), std::string::npos);
}

TEST(Variables, NewNameBeatsLegacyName) {
  Fixture f;
  f.env["SPIN_CONFIG_API_KEY"] = "legacy";
  f.env["SPIN_VARIABLE_API_KEY"] = "current";
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ((*variables)->Value("api_key"), "current");
}

TEST(Variables, GetErrors) {
  Fixture f;
  f.env["SPIN_VARIABLE_API_KEY"] = "k";
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_TRUE(variables.ok());
  auto undeclared = (*variables)->Get("web", "nope");
  ASSERT_FALSE(undeclared.ok());
  EXPECT_EQ(undeclared.error().kind, ConfigError::Kind::kInvalidKey);
  auto malformed = (*variables)->Get("web", "Bad-Key");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().kind, ConfigError::Kind::kInvalidKey);
  auto no_component = (*variables)->Get("other", "message");
  ASSERT_FALSE(no_component.ok());
  EXPECT_EQ(no_component.error().kind, ConfigError::Kind::kInvalidKey);
}

TEST(Variables, SecretsNeverLogged) {
  Fixture f;
  f.env["SPIN_VARIABLE_API_KEY"] = "TOPSECRET-4242";
  f.env["SPIN_VARIABLE_GREETING"] = "visible-greeting";
  LogCapture logs;
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ(*(*variables)->Get("web", "key"), "TOPSECRET-4242");  // the guest may read it
  EXPECT_FALSE((*variables)->Get("web", "missing").ok());
  EXPECT_NE(logs.text().find("visible-greeting"), std::string::npos) << logs.text();
  EXPECT_NE(logs.text().find("api_key"), std::string::npos);
  EXPECT_EQ(logs.text().find("TOPSECRET-4242"), std::string::npos) << logs.text();
  EXPECT_TRUE((*variables)->ReferencesSecret("x{{ api_key }}"));
  EXPECT_FALSE((*variables)->ReferencesSecret("{{ greeting }}"));
}

TEST(Variables, SecretFromLegacyNameNotLoggedEither) {
  Fixture f;
  f.env["SPIN_CONFIG_API_KEY"] = "TOPSECRET-LEGACY";
  LogCapture logs;
  auto variables = Variables::Create(f.app, f.Options());
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ(logs.text().find("TOPSECRET-LEGACY"), std::string::npos) << logs.text();
}

}  // namespace
}  // namespace spindle::services
