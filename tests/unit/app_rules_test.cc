// The manifest's value rules: identifiers, `{{ var }}` templates,
// allowed_http_hosts conversion and the allowed_outbound_hosts grammar.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/allowed_hosts.h"
#include "app/ids.h"
#include "app/template.h"

namespace spindle::app {
namespace {

using Strings = std::vector<std::string>;

TEST(ManifestIds, KebabAndSnake) {
  EXPECT_TRUE(CheckKebabId("cart").empty());
  EXPECT_TRUE(CheckKebabId("my-cart2").empty());
  EXPECT_TRUE(CheckKebabId("HTTP-cart").empty());
  EXPECT_FALSE(CheckKebabId("").empty());
  EXPECT_FALSE(CheckKebabId("my--cart").empty());
  EXPECT_FALSE(CheckKebabId("-cart").empty());
  EXPECT_FALSE(CheckKebabId("2cart").empty());
  EXPECT_FALSE(CheckKebabId("Cart").empty());  // mixed case word
  EXPECT_FALSE(CheckKebabId("my_cart").empty());
  EXPECT_TRUE(CheckLowerSnakeId("api_host2").empty());
  EXPECT_FALSE(CheckLowerSnakeId("API_HOST").empty());
  EXPECT_TRUE(CheckSnakeId("API_HOST").empty());
  EXPECT_TRUE(IsKebabOrSnakeId("my_store"));
  EXPECT_TRUE(IsKebabOrSnakeId("my-store"));
  EXPECT_FALSE(IsKebabOrSnakeId("my.store"));
  EXPECT_EQ(KebabFromV1Id("My_Comp"), "my-comp");
  EXPECT_TRUE(IsSpin1ComponentId("redirect-sip-001"));
  EXPECT_FALSE(IsSpin1ComponentId("a.b"));
  EXPECT_FALSE(IsSpin1ComponentId(""));
  EXPECT_EQ(KebabFromV1Id("HTTP-x"), "HTTP-x");
}

TEST(ManifestTemplates, Parse) {
  Result<std::vector<TemplatePart>> parts = ParseTemplate("https://{{ host }}:{{port}}/x");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 5u);
  EXPECT_EQ((*parts)[0].text, "https://");
  EXPECT_TRUE((*parts)[1].is_expression);
  EXPECT_EQ((*parts)[1].text, "host");
  EXPECT_EQ((*parts)[3].text, "port");
  EXPECT_EQ((*parts)[4].text, "/x");
  EXPECT_FALSE(ParseTemplate("a {{ b").ok());
  EXPECT_FALSE(ParseTemplate("{{ }}").ok());
  EXPECT_TRUE(ParseTemplate("plain } }} text").ok());
}

TEST(ManifestHosts, AllowedHttpHostsConversion) {
  size_t bad = 99;
  auto convert = [&](Strings hosts) {
    Result<Strings> out = ConvertAllowedHttpHosts(hosts, &bad);
    return out.ok() ? out.value() : Strings{"error: " + out.error().message};
  };
  EXPECT_EQ(convert({"example.com"}), (Strings{"http://example.com", "https://example.com"}));
  EXPECT_EQ(convert({"localhost:3001"}),
            (Strings{"http://localhost:3001", "https://localhost:3001"}));
  EXPECT_EQ(convert({"http://spin.fermyon.dev:4444/"}),
            (Strings{"http://spin.fermyon.dev:4444", "https://spin.fermyon.dev:4444"}));
  EXPECT_EQ(convert({"host:80"}), (Strings{"http://host", "https://host"}));
  EXPECT_EQ(convert({"https://host:443"}), (Strings{"http://host", "https://host"}));
  EXPECT_EQ(convert({"[::1]:8001"}), (Strings{"http://[::1]:8001", "https://[::1]:8001"}));
  EXPECT_EQ(convert({"192.168.1.1"}), (Strings{"http://192.168.1.1", "https://192.168.1.1"}));
  EXPECT_EQ(convert({"self"}), Strings{"http://self"});
  EXPECT_EQ(convert({"a.com", "insecure:allow-all"}),
            (Strings{"http://*:*", "https://*:*", "http://self"}));
  EXPECT_EQ(convert({}), Strings{});
  EXPECT_EQ(convert({"ok.com", "http://x.com/a/b"}),
            Strings{"error: \"http://x.com/a/b\" contains a path, should be host and optional "
                    "port only"});
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(convert({"x.com:port"})[0], "error: \"x.com:port\" has an invalid port");
  EXPECT_EQ(convert({"x.com:70000"})[0], "error: \"x.com:70000\" has an invalid port");
  EXPECT_EQ(convert({"user@x.com"})[0],
            "error: \"user@x.com\" isn't a valid host or host:port string");
  EXPECT_EQ(convert({"http://"})[0], "error: \"http://\" doesn't contain a host name");
}

TEST(ManifestHosts, OutboundGrammar) {
  for (const char* good :
       {"http://example.com", "https://example.com:8443", "https://example.com/", "*://*:*",
        "redis://localhost", "postgres://db.internal:*", "mysql://10.0.0.0/8",
        "http://*.example.com", "http://self", "tcp://h:1000..2000", "http://[::1]:80",
        "https://fd00::/8:443", "http://internal.spin.internal"}) {
    EXPECT_TRUE(ValidateOutboundHost(good).ok()) << good;
  }
  for (const char* bad :
       {"example.com", "http://example.com/path", "ftp2://x:1", "{http,https}://x",
        "http://{a,b}", "http://a.*.com", "http://ex*ample.com", "tcp://x", "*://x",
        "http://x:port", "http://x:1..y", "http://x:{80,443}", "http://", "http://a b",
        "http://x:99999", "insecure:allow-all", "http://[::1]"}) {
    EXPECT_FALSE(ValidateOutboundHost(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace spindle::app
