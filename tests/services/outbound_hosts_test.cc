// allowed_outbound_hosts matching (spin-compat.md §1.6): every host form,
// ports, ranges, self, templates, and the denial message.
#include "services/outbound_hosts.h"

#include <gtest/gtest.h>

#include "services/variables.h"

namespace spindle::services {
namespace {

OutboundHosts Make(std::vector<std::string> entries, std::string self_origin = "") {
  OutboundHostsOptions options;
  options.component_id = "web";
  options.where = app::SourcePosition{"spin.toml", 12, 3};
  options.self_origin = std::move(self_origin);
  Result<OutboundHosts> hosts = OutboundHosts::Create(entries, options);
  EXPECT_TRUE(hosts.ok()) << hosts.error().message;
  return hosts.ok() ? std::move(*hosts) : OutboundHosts();
}

TEST(OutboundHosts, NothingAllowedByDefault) {
  const OutboundHosts none;
  EXPECT_FALSE(none.Allows("https://example.com"));
  EXPECT_FALSE(none.Allows("/local"));
}

TEST(OutboundHosts, ExactHostAndDefaultPort) {
  const OutboundHosts hosts = Make({"https://api.example.com"});
  EXPECT_TRUE(hosts.Allows("https://api.example.com/v1/items?x=1"));
  EXPECT_TRUE(hosts.Allows("https://API.Example.COM/"));
  EXPECT_TRUE(hosts.Allows("https://api.example.com:443/"));
  EXPECT_TRUE(hosts.Allows("https://user:pw@api.example.com/"));
  EXPECT_FALSE(hosts.Allows("https://api.example.com:8443/"));
  EXPECT_FALSE(hosts.Allows("http://api.example.com/"));
  EXPECT_FALSE(hosts.Allows("https://example.com/"));
  EXPECT_FALSE(hosts.Allows("https://api.example.com.evil.net/"));
  EXPECT_FALSE(hosts.Allows("https://evil.net/?h=api.example.com"));
  EXPECT_FALSE(hosts.Allows("https://api.example.com@evil.net/"));
}

TEST(OutboundHosts, SchemeWildcard) {
  const OutboundHosts hosts = Make({"*://db.internal:5432"});
  EXPECT_TRUE(hosts.Allows("postgres://db.internal"));  // 5432 is postgres' default
  EXPECT_TRUE(hosts.Allows("http://db.internal:5432/"));
  EXPECT_FALSE(hosts.Allows("http://db.internal/"));  // port 80
}

TEST(OutboundHosts, HostWildcardAndAllowAll) {
  const OutboundHosts https_any = Make({"https://*"});
  EXPECT_TRUE(https_any.Allows("https://anything.example/"));
  EXPECT_FALSE(https_any.Allows("https://anything.example:8443/"));
  EXPECT_FALSE(https_any.Allows("http://anything.example/"));
  const OutboundHosts all = Make({"*://*:*"});
  EXPECT_TRUE(all.Allows("http://a.b:1/"));
  EXPECT_TRUE(all.Allows("redis://cache:6380"));
  EXPECT_TRUE(all.Allows("https://[2001:db8::1]:9000/"));
}

TEST(OutboundHosts, SuffixWildcard) {
  const OutboundHosts hosts = Make({"https://*.example.com"});
  EXPECT_TRUE(hosts.Allows("https://a.example.com/"));
  EXPECT_TRUE(hosts.Allows("https://a.b.example.com/"));
  EXPECT_FALSE(hosts.Allows("https://example.com/"));
  EXPECT_FALSE(hosts.Allows("https://badexample.com/"));
  EXPECT_FALSE(hosts.Allows("https://a.example.com.evil/"));
}

TEST(OutboundHosts, CidrV4) {
  const OutboundHosts hosts = Make({"http://10.0.0.0/8:*", "https://192.168.1.0/24"});
  EXPECT_TRUE(hosts.Allows("http://10.1.2.3:8080/"));
  EXPECT_TRUE(hosts.Allows("http://10.255.255.255/"));
  EXPECT_FALSE(hosts.Allows("http://11.0.0.1/"));
  EXPECT_TRUE(hosts.Allows("https://192.168.1.77/"));
  EXPECT_FALSE(hosts.Allows("https://192.168.2.1/"));
  EXPECT_FALSE(hosts.Allows("https://192.168.1.77:444/"));
  EXPECT_FALSE(hosts.Allows("http://ten.example/"));  // names never match a CIDR
}

TEST(OutboundHosts, CidrV6) {
  const OutboundHosts hosts = Make({"http://2001:db8::/32:*", "http://::1/128:*"});
  EXPECT_TRUE(hosts.Allows("http://[2001:db8:1::5]:8080/"));
  EXPECT_TRUE(hosts.Allows("http://[2001:DB8::]/"));
  EXPECT_FALSE(hosts.Allows("http://[2001:db9::1]/"));
  EXPECT_TRUE(hosts.Allows("http://[::1]:3000/"));
  EXPECT_TRUE(hosts.Allows("http://[0:0:0:0:0:0:0:1]:3000/"));  // same address, other spelling
  EXPECT_FALSE(hosts.Allows("http://127.0.0.1/"));
}

TEST(OutboundHosts, ExactIpLiterals) {
  const OutboundHosts hosts = Make({"http://127.0.0.1:8080", "http://[::1]:8080"});
  EXPECT_TRUE(hosts.Allows("http://127.0.0.1:8080/x"));
  EXPECT_TRUE(hosts.Allows("http://[::1]:8080/x"));
  EXPECT_FALSE(hosts.Allows("http://127.0.0.2:8080/x"));
}

TEST(OutboundHosts, Ports) {
  const OutboundHosts hosts =
      Make({"http://a.test:8080", "http://b.test:*", "http://c.test:8000..8003"});
  EXPECT_TRUE(hosts.Allows("http://a.test:8080/"));
  EXPECT_FALSE(hosts.Allows("http://a.test/"));
  EXPECT_TRUE(hosts.Allows("http://b.test:1/"));
  EXPECT_TRUE(hosts.Allows("http://b.test/"));
  EXPECT_TRUE(hosts.Allows("http://c.test:8000/"));
  EXPECT_TRUE(hosts.Allows("http://c.test:8002/"));
  EXPECT_FALSE(hosts.Allows("http://c.test:8003/"));  // half-open
  EXPECT_FALSE(hosts.Allows("http://c.test:7999/"));
}

TEST(OutboundHosts, DefaultPortsPerScheme) {
  const OutboundHosts hosts = Make({"redis://cache", "mysql://db", "postgres://pg", "mqtt://mq"});
  EXPECT_TRUE(hosts.Allows("redis://cache:6379"));
  EXPECT_TRUE(hosts.Allows("redis://cache/2"));
  EXPECT_FALSE(hosts.Allows("redis://cache:6380"));
  EXPECT_TRUE(hosts.Allows("mysql://db:3306"));
  EXPECT_TRUE(hosts.Allows("postgres://pg:5432"));
  EXPECT_TRUE(hosts.Allows("mqtt://mq:1883"));
  // An address without a scheme is read with the caller's default.
  EXPECT_TRUE(hosts.Allows("cache:6379", "redis"));
}

TEST(OutboundHosts, Self) {
  const OutboundHosts hosts = Make({"http://self"}, "http://127.0.0.1:3000");
  EXPECT_TRUE(hosts.Allows("/api/items"));
  EXPECT_TRUE(hosts.Allows("http://127.0.0.1:3000/api"));
  EXPECT_FALSE(hosts.Allows("http://127.0.0.1:3001/api"));
  EXPECT_FALSE(hosts.Allows("http://example.com/"));
  const OutboundHosts wildcard_scheme = Make({"*://self:*"}, "http://127.0.0.1:3000");
  EXPECT_TRUE(wildcard_scheme.Allows("/x"));
  const OutboundHosts https_only = Make({"https://self"}, "http://127.0.0.1:3000");
  EXPECT_FALSE(https_only.Allows("/x"));
  const OutboundHosts no_self = Make({"https://example.com"}, "http://127.0.0.1:3000");
  EXPECT_FALSE(no_self.Allows("/x"));
}

TEST(OutboundHosts, SelfOriginMustBeAbsolute) {
  OutboundHostsOptions options;
  options.self_origin = "127.0.0.1:3000/";
  EXPECT_FALSE(OutboundHosts::Create({"http://self"}, options).ok());
}

TEST(OutboundHosts, TrailingSlashEntry) {
  const OutboundHosts hosts = Make({"https://example.com/"});
  EXPECT_TRUE(hosts.Allows("https://example.com/x"));
}

TEST(OutboundHosts, UnparsableUrlsAreDenied) {
  const OutboundHosts hosts = Make({"*://*:*"});
  EXPECT_FALSE(hosts.Allows("not a url"));
  EXPECT_FALSE(hosts.Allows("http://exa mple.com/"));
  EXPECT_FALSE(hosts.Allows("http://example.com:99999/"));
  EXPECT_FALSE(hosts.Allows("foo://host/"));  // no port, no well-known one
  EXPECT_FALSE(hosts.Check("nope").message.empty());
}

TEST(OutboundHosts, BadEntriesAreErrors) {
  for (const char* entry : {"example.com", "http://exa*mple.com", "foo://host", "http://h:x",
                            "http://h/path", "insecure:allow-all"}) {
    Result<OutboundHosts> hosts = OutboundHosts::Create({entry}, {});
    EXPECT_FALSE(hosts.ok()) << entry;
    if (!hosts.ok()) {
      EXPECT_NE(hosts.error().message.find(entry), std::string::npos);
    }
  }
}

TEST(OutboundHosts, DenialNamesPositionAndSuggestsEntry) {
  const OutboundHosts hosts = Make({"https://api.example.com"});
  const HostCheck check = hosts.Check("http://other.example.com:8080/path");
  EXPECT_FALSE(check.allowed);
  EXPECT_NE(check.message.find("spin.toml:12:3"), std::string::npos) << check.message;
  EXPECT_NE(check.message.find("'web'"), std::string::npos) << check.message;
  EXPECT_NE(check.message.find("add \"http://other.example.com:8080\""), std::string::npos)
      << check.message;
  const HostCheck default_port = hosts.Check("https://other.example.com/x");
  EXPECT_NE(default_port.message.find("add \"https://other.example.com\""), std::string::npos)
      << default_port.message;
  const HostCheck relative = hosts.Check("/x");
  EXPECT_NE(relative.message.find("add \"http://self\""), std::string::npos) << relative.message;
}

app::App TemplatedApp() {
  app::App app;
  app.variables.push_back({"api_host", std::string("api.example.com"), false, false, {}});
  app.variables.push_back({"api_port", std::string("8443"), false, false, {}});
  app.variables.push_back({"token", std::string("s3cr3t-value"), false, true, {}});
  app::Component component;
  component.id = "web";
  component.allowed_outbound_hosts = {"https://{{ api_host }}:{{api_port}}"};
  component.allowed_outbound_hosts_where = {"spin.toml", 7, 1};
  app.components.push_back(component);
  return app;
}

TEST(OutboundHosts, TemplatesResolvedFromAppVariables) {
  const app::App app = TemplatedApp();
  VariablesOptions options;
  options.environment = [](const std::string&) { return std::optional<std::string>(); };
  options.working_dir = "/nonexistent-dir-for-dotenv";
  auto variables = Variables::Create(app, options);
  ASSERT_TRUE(variables.ok()) << variables.error().message;
  auto hosts = OutboundHosts::ForComponent(app.components[0], **variables, "");
  ASSERT_TRUE(hosts.ok()) << hosts.error().message;
  EXPECT_TRUE(hosts->Allows("https://api.example.com:8443/x"));
  EXPECT_FALSE(hosts->Allows("https://api.example.com/x"));
  EXPECT_NE(hosts->Check("https://x.test/").message.find("spin.toml:7:1"), std::string::npos);
}

TEST(OutboundHosts, BadTemplatedEntryDoesNotRevealSecret) {
  app::App app = TemplatedApp();
  app.components[0].allowed_outbound_hosts = {"https://{{ token }}:bad"};
  VariablesOptions options;
  options.environment = [](const std::string&) { return std::optional<std::string>(); };
  options.working_dir = "/nonexistent-dir-for-dotenv";
  auto variables = Variables::Create(app, options);
  ASSERT_TRUE(variables.ok());
  auto hosts = OutboundHosts::ForComponent(app.components[0], **variables, "");
  ASSERT_FALSE(hosts.ok());
  EXPECT_EQ(hosts.error().message.find("s3cr3t-value"), std::string::npos) << hosts.error().message;
  EXPECT_NE(hosts.error().message.find("{{ token }}"), std::string::npos) << hosts.error().message;
  EXPECT_NE(hosts.error().message.find("spin.toml:7:1"), std::string::npos);
}

}  // namespace
}  // namespace spindle::services
