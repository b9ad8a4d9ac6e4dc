// AppServices: startup checks and the per-instance view the bindings use.
#include "services/app_services.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace spindle::services {
namespace {

using services_test::TempDir;

app::App MakeApp(const std::string& root) {
  app::App app;
  app.root = root;
  app.variables.push_back({"host", std::string("api.example.com"), false, false, {}});
  app::Component component;
  component.id = "web";
  component.where = {"spin.toml", 10, 1};
  component.key_value_stores = {"default"};
  component.sqlite_databases = {"default"};
  component.variables = {{"api", "https://{{ host }}/v1"}};
  component.allowed_outbound_hosts = {"https://{{ host }}"};
  app.components.push_back(component);
  return app;
}

AppServicesOptions Options(const std::string& dir) {
  AppServicesOptions options;
  options.working_dir = dir;
  options.environment = [](const std::string&) { return std::optional<std::string>(); };
  return options;
}

TEST(AppServices, InstanceServicesUseComponentPermissions) {
  TempDir dir;
  const app::App app = MakeApp(dir.path());
  auto services = AppServices::Create(app, DefaultRuntimeConfig(dir.path()), Options(dir.path()));
  ASSERT_TRUE(services.ok()) << services.error().message;
  const ComponentServices* web = (*services)->Component("web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ((*services)->Component("nope"), nullptr);
  InstanceServices instance(**services, *web);
  EXPECT_EQ(*instance.GetConfig("api"), "https://api.example.com/v1");
  EXPECT_TRUE(instance.outbound_hosts().Allows("https://api.example.com/x"));
  EXPECT_FALSE(instance.outbound_hosts().Allows("https://other.example.com/x"));
  auto store = instance.key_value().Open("default");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(instance.key_value().Set(*store, "k", {'v'}).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/.spin/sqlite_key_value.db"));
  auto db = instance.sqlite().Open("default");
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(instance.sqlite().Execute(*db, "SELECT 1", {}).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/.spin/sqlite_db.db"));
  auto denied =
      instance.SendHttp({HttpMethod::kGet, "https://other.example.com/", {}, std::nullopt});
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error(), HttpError::kDestinationNotAllowed);
}

TEST(AppServices, UnconfiguredLabelIsStartupError) {
  TempDir dir;
  app::App app = MakeApp(dir.path());
  app.components[0].key_value_stores.push_back("cache");
  auto services = AppServices::Create(app, DefaultRuntimeConfig(dir.path()), Options(dir.path()));
  ASSERT_FALSE(services.ok());
  EXPECT_NE(services.error().message.find("spin.toml:10:1"), std::string::npos);
  EXPECT_NE(services.error().message.find("'cache'"), std::string::npos);
  EXPECT_NE(services.error().message.find("[key_value_store.cache]"), std::string::npos);
}

}  // namespace
}  // namespace spindle::services
