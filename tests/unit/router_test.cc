// The HTTP router against Spin's routing rules (docs/routing.md,
// spin-compat §2.3/§2.4): table-driven, one table per rule.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "triggers/http/route_headers.h"
#include "triggers/http/router.h"

namespace spindle::http {
namespace {

struct TriggerSpec {
  std::string id;
  std::string route;
  bool is_private = false;
};

app::App MakeApp(std::vector<TriggerSpec> specs, std::string base = "/") {
  app::App app;
  app.manifest_path = "/apps/demo/spin.toml";
  app.http_base = std::move(base);
  for (TriggerSpec& spec : specs) {
    app::HttpTrigger trigger;
    trigger.id = spec.id;
    trigger.component = "comp-" + spec.id;
    trigger.route = std::move(spec.route);
    trigger.is_private = spec.is_private;
    app.http_triggers.push_back(std::move(trigger));
  }
  return app;
}

Router MustBuild(const app::App& app) {
  Result<Router> router = Router::Build(app);
  EXPECT_TRUE(router.ok()) << (router.ok() ? "" : router.error().ToString());
  return router.ok() ? std::move(router).value() : Router();
}

using Captures = std::vector<std::pair<std::string, std::string>>;

struct Case {
  std::string path;
  std::string want;  // trigger id; "" = no match
  std::string path_info = "";
  Captures captures = {};
};

void ExpectRoutes(const std::vector<TriggerSpec>& specs, const std::vector<Case>& cases,
                  const std::string& base = "/") {
  const app::App app = MakeApp(specs, base);
  const Router router = MustBuild(app);
  for (const Case& c : cases) {
    SCOPED_TRACE("path '" + c.path + "'");
    const std::optional<RouteMatch> match = router.Match(c.path);
    if (c.want.empty()) {
      EXPECT_FALSE(match.has_value())
          << "matched " << app.http_triggers[match->trigger_index()].id;
      continue;
    }
    ASSERT_TRUE(match.has_value()) << "expected " << c.want;
    EXPECT_EQ(app.http_triggers[match->trigger_index()].id, c.want);
    EXPECT_EQ(match->route->trigger_id, c.want);
    EXPECT_EQ(match->path_info, c.path_info);
    Captures got;
    for (const PathCapture& capture : match->captures) {
      got.emplace_back(std::string(capture.name), std::string(capture.value));
    }
    EXPECT_EQ(got, c.captures);
  }
}

// --- Precedence -----------------------------------------------------------

TEST(Router, ExactBeatsWildcard) {
  ExpectRoutes({{"exact", "/one"}, {"all", "/..."}},
               {{"/one", "exact"},
                {"/one/", "exact"},
                {"/two", "all", "/two"},
                {"/one/x", "all", "/one/x"},
                {"/", "all", "/"},
                {"", "all", ""}});
}

TEST(Router, LongestStaticPrefixWinsRegardlessOfOrder) {
  const std::vector<Case> cases = {{"/one/two/three/four", "three", "/four"},
                                   {"/one/two/three", "three", ""},
                                   {"/one/two/x", "two", "/x"},
                                   {"/one/x", "one", "/x"},
                                   {"/one", "one", ""},
                                   {"/onetwo", ""}};
  ExpectRoutes({{"one", "/one/..."}, {"two", "/one/two/..."}, {"three", "/one/two/three/..."}},
               cases);
  ExpectRoutes({{"three", "/one/two/three/..."}, {"two", "/one/two/..."}, {"one", "/one/..."}},
               cases);
}

TEST(Router, StaticBeatsParamBeatsWildcard) {
  const std::vector<Case> cases = {{"/a/b", "static"},
                                   {"/a/c", "param", "", {{"x", "c"}}},
                                   {"/a/c/d", "wild", "/c/d"},
                                   {"/a", "wild", ""},
                                   {"/b", ""}};
  ExpectRoutes({{"static", "/a/b"}, {"param", "/a/:x"}, {"wild", "/a/..."}}, cases);
  ExpectRoutes({{"wild", "/a/..."}, {"param", "/a/:x"}, {"static", "/a/b"}}, cases);
}

TEST(Router, BacktracksWhenTheStaticBranchFailsDeeper) {
  ExpectRoutes({{"param", "/a/:x/c"}, {"static", "/a/b/d"}},
               {{"/a/b/c", "param", "", {{"x", "b"}}},
                {"/a/b/d", "static"},
                {"/a/b/e", ""}});
  ExpectRoutes({{"wild", "/a/..."}, {"deep", "/a/b/c"}},
               {{"/a/b/c", "deep"}, {"/a/b/d", "wild", "/b/d"}, {"/a/b", "wild", "/b"}});
  ExpectRoutes({{"pw", "/:x/..."}, {"ab", "/a/b"}},
               {{"/a/b", "ab"},
                {"/a/c", "pw", "/c", {{"x", "a"}}},
                {"/z", "pw", "", {{"x", "z"}}}});
}

TEST(Router, PrecedenceIsPerSegmentNotByLength) {
  // At segment 2 the static "b" is tried first and its wildcard catches
  // "/c", so the longer param route never gets a chance.
  ExpectRoutes({{"wild", "/a/b/..."}, {"param", "/a/:x/c"}},
               {{"/a/b/c", "wild", "/c"}, {"/a/z/c", "param", "", {{"x", "z"}}}});
}

TEST(Router, RootRoute) {
  ExpectRoutes({{"root", "/"}},
               {{"/", "root"}, {"", "root"}, {"//", "root"}, {"/x", ""}});
  ExpectRoutes({{"root", "/"}, {"all", "/..."}},
               {{"/", "root"}, {"/x", "all", "/x"}, {"/x/", "all", "/x/"}});
  ExpectRoutes({{"root", "/"}, {"foo", "/foo"}}, {{"/foo/", "foo"}, {"/", "root"}});
}

// --- Route and path normalisation ------------------------------------------

TEST(Router, TrailingSlashesAndSlashRuns) {
  ExpectRoutes({{"foo", "/foo/"}, {"bar", "bar"}, {"ab", "/a/b"}},
               {{"/foo", "foo"},
                {"/foo/", "foo"},
                {"/foo//", "foo"},
                {"//foo", "foo"},
                {"/bar", "bar"},
                {"///a/b///", "ab"},
                // routefinder 0.5 does not collapse runs of '/' inside a path.
                {"/a//b", ""},
                {"///a///b///", ""},
                {"/a/b/c", ""},
                {"/foobar", ""}});
}

TEST(Router, MatchesTheRawPathAndIgnoresTheQuery) {
  ExpectRoutes({{"p", "/a/:x"}, {"enc", "/caf%C3%A9"}, {"ab", "/a/b"}, {"w", "/w/..."}},
               {{"/a/b%2Fc", "p", "", {{"x", "b%2Fc"}}},
                {"/caf%C3%A9", "enc"},
                {"/caf\xC3\xA9", ""},
                {"/a%2Fb", ""},
                {"/a/b?x=1", "ab"},
                {"/a/b?next=/c/d", "ab"},
                {"/w/x%20y", "w", "/x%20y"},
                {"/w/x?y=/z/", "w", "/x"}});
}

TEST(Router, AppBaseIsPrepended) {
  ExpectRoutes({{"cart", "/cart"}, {"root", "/"}, {"all", "/..."}},
               {{"/shop/cart", "cart"},
                {"/shop", "root"},
                {"/shop/", "root"},
                {"/shop/x", "all", "/x"},
                {"/cart", ""},
                {"/", ""}},
               "/shop");
  ExpectRoutes({{"cart", "cart/"}}, {{"/shop/cart", "cart"}, {"/cart", ""}}, "/shop/");
  ExpectRoutes({{"cart", "/cart"}}, {{"/shop/cart", "cart"}}, "shop");
}

TEST(Router, RouteTextsAndBase) {
  const app::App app = MakeApp(
      {{"cart", "cart/"}, {"wild", "/api/..."}, {"star", "/s/*"}, {"root", "/"}, {"all", "/..."}},
      "shop/");
  const Router router = MustBuild(app);
  EXPECT_EQ(router.base_path(), "/shop/");
  ASSERT_EQ(router.routes().size(), 5u);
  struct Want {
    std::string raw, component, based, prefix;
    bool wildcard;
  };
  const std::vector<Want> wants = {{"cart/", "cart/", "/shop/cart", "/shop/cart", false},
                                   {"/api/...", "/api", "/shop/api/...", "/shop/api", true},
                                   {"/s/*", "/s/*", "/shop/s/*", "/shop/s", true},
                                   {"/", "/", "/shop", "/shop", false},
                                   {"/...", "", "/shop/...", "/shop", true}};
  for (size_t i = 0; i < wants.size(); ++i) {
    SCOPED_TRACE(wants[i].raw);
    const RouteInfo& route = router.routes()[i];
    EXPECT_EQ(route.trigger_index, i);
    EXPECT_EQ(route.component, app.http_triggers[i].component);
    EXPECT_EQ(route.raw_route, wants[i].raw);
    EXPECT_EQ(route.component_route, wants[i].component);
    EXPECT_EQ(route.based_route, wants[i].based);
    EXPECT_EQ(route.based_prefix, wants[i].prefix);
    EXPECT_EQ(route.wildcard, wants[i].wildcard);
  }
  const std::optional<RouteMatch> match = router.Match("/shop/api/v1/");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->base_path, "/shop/");
  EXPECT_EQ(match->matched_route(), "/shop/api/...");
  EXPECT_EQ(match->raw_component_route(), "/api/...");
  EXPECT_EQ(match->component_route(), "/api");
  EXPECT_EQ(match->path_info, "/v1/");
}

TEST(Router, RootRouteWithDefaultBaseHasAnEmptyMatchedRoute) {
  // Spin joins sanitize("/") + sanitize("/") = "".
  const Router router = MustBuild(MakeApp({{"root", "/"}}));
  const std::optional<RouteMatch> match = router.Match("/");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->matched_route(), "");
  EXPECT_EQ(match->raw_component_route(), "/");
  EXPECT_EQ(match->component_route(), "/");
  EXPECT_EQ(match->base_path, "/");
}

// --- Parameters -------------------------------------------------------------

TEST(Router, ParamsBindOneNonEmptySegment) {
  ExpectRoutes({{"user", "/users/:id"}, {"pair", "/p/:a/:b"}},
               {{"/users/42", "user", "", {{"id", "42"}}},
                {"/users/42/", "user", "", {{"id", "42"}}},
                {"/users", ""},
                {"/users/", ""},
                {"/users//", ""},
                {"/users/42/x", ""},
                {"/p/x/y", "pair", "", {{"a", "x"}, {"b", "y"}}},
                {"/p//x//y", ""},
                {"/p/x", ""}});
}

TEST(Router, ParamRoutesShareTrieNodesButKeepTheirNames) {
  ExpectRoutes({{"r1", "/:a/x"}, {"r2", "/:b/y"}, {"r3", "/:c/:d/..."}},
               {{"/v/x", "r1", "", {{"a", "v"}}},
                {"/v/y", "r2", "", {{"b", "v"}}},
                {"/v/z", "r3", "", {{"c", "v"}, {"d", "z"}}},
                {"/v/z/1/2", "r3", "/1/2", {{"c", "v"}, {"d", "z"}}},
                {"/v", ""}});
}

TEST(Router, FailedBranchesLeaveNoCaptures) {
  ExpectRoutes({{"deep", "/:a/:b/c"}, {"shallow", "/:x/..."}},
               {{"/1/2/c", "deep", "", {{"a", "1"}, {"b", "2"}}},
                {"/1/2/d", "shallow", "/2/d", {{"x", "1"}}}});
}

// --- Dots inside a segment (routefinder 0.5, as shipped in Spin) ------------

TEST(Router, ATrailingParamTakesTheWholeSegmentDotsIncluded) {
  ExpectRoutes({{"name", "/files/:name"}, {"txt", "/static/file.txt"}, {"hidden", "/.hidden"}},
               {{"/files/a", "name", "", {{"name", "a"}}},
                {"/files/a.txt", "name", "", {{"name", "a.txt"}}},
                {"/files/.txt", "name", "", {{"name", ".txt"}}},
                {"/static/file.txt", "txt"},
                {"/static/file", ""},
                {"/static/file.txt.bak", ""},
                {"/static/filextxt", ""},
                {"/.hidden", "hidden"}});
}

TEST(Router, ParamsAroundDots) {
  ExpectRoutes({{"ext", "/f/:name.txt"}, {"both", "/g/:name.:ext"}, {"pre", "/h/v.:n"}},
               {{"/f/a.txt", "ext", "", {{"name", "a"}}},
                {"/f/.txt", ""},
                {"/f/a.b.txt", ""},
                {"/f/a.md", ""},
                {"/g/a.txt", "both", "", {{"name", "a"}, {"ext", "txt"}}},
                {"/g/a.b.c", "both", "", {{"name", "a"}, {"ext", "b.c"}}},
                {"/g/.txt", ""},
                {"/g/a.", ""},
                {"/g/a", ""},
                {"/h/v.2", "pre", "", {{"n", "2"}}},
                {"/h/v2", ""}});
}

TEST(Router, StaticAtomsBeatParamAtomsInsideASegment) {
  ExpectRoutes({{"exact", "/f/a.txt"}, {"param-first", "/f/:n.txt"}, {"static-first", "/f/a.:e"}},
               {{"/f/a.txt", "exact"},
                {"/f/b.txt", "param-first", "", {{"n", "b"}}},
                {"/f/a.md", "static-first", "", {{"e", "md"}}}});
  ExpectRoutes({{"param-first", "/f/:n.txt"}, {"static-first", "/f/a.:e"}},
               {{"/f/a.txt", "static-first", "", {{"e", "txt"}}}});
}

TEST(Router, LongerDottedPatternsAreTriedFirst) {
  ExpectRoutes({{"name", "/f/:name"}, {"split", "/f/:stem.:ext"}, {"wild", "/f/..."}},
               {{"/f/a.txt", "split", "", {{"stem", "a"}, {"ext", "txt"}}},
                {"/f/a", "name", "", {{"name", "a"}}},
                {"/f/a/b", "wild", "/a/b"}});
}

// --- Trailing wildcard and path info (§2.4) -----------------------------------

TEST(Router, PathInfoFollowsSpinSlashRules) {
  ExpectRoutes({{"test", "/test/..."}, {"star", "/star/*"}, {"all", "/..."}},
               {{"/test", "test", ""},
                {"/test/", "test", "/"},
                {"/test/hello", "test", "/hello"},
                {"/test/hello/", "test", "/hello/"},
                {"/test/a/b", "test", "/a/b"},
                {"/test//a//b//", "test", "//a//b/"},
                {"/test//", "test", "/"},
                {"/star", "star", ""},
                {"/star/x/", "star", "/x/"},
                {"/testing", "all", "/testing"},
                {"/1/2/3", "all", "/1/2/3"},
                {"/", "all", "/"},
                {"", "all", ""}});
}

TEST(Router, ExactRoutesHaveEmptyPathInfo) {
  ExpectRoutes({{"e", "/e"}}, {{"/e", "e", ""}, {"/e/", "e", ""}});
}

TEST(Router, ExactAndWildcardOnTheSamePrefixCoexist) {
  ExpectRoutes({{"exact", "/foo"}, {"wild", "/foo/..."}},
               {{"/foo", "exact"}, {"/foo/", "exact"}, {"/foo/x", "wild", "/x"}});
}

// --- Build errors -----------------------------------------------------------------

void ExpectBuildError(const std::vector<TriggerSpec>& specs,
                      const std::vector<std::string>& mentions) {
  const Result<Router> router = Router::Build(MakeApp(specs));
  ASSERT_FALSE(router.ok());
  const std::string text = router.error().ToString();
  EXPECT_EQ(router.error().source, "/apps/demo/spin.toml");
  for (const std::string& mention : mentions) {
    EXPECT_NE(text.find(mention), std::string::npos) << text << "\n  lacks: " << mention;
  }
}

// Spin keeps the later of two such routes; issue 4 makes it a startup error.
TEST(Router, DuplicateRoutesAreRejectedNamingBothTriggers) {
  ExpectBuildError({{"first", "/foo"}, {"second", "/foo"}},
                   {"duplicate route", "trigger 'first'", "trigger 'second'", "comp-first",
                    "comp-second"});
  ExpectBuildError({{"first", "/foo"}, {"second", "foo/"}},
                   {"duplicate route", "'first'", "'second'", "route 'foo/'"});
  ExpectBuildError({{"a", "/u/:id"}, {"b", "/u/:name"}}, {"duplicate route", "'a'", "'b'"});
  ExpectBuildError({{"dots", "/p/..."}, {"star", "/p/*"}}, {"duplicate route", "'dots'", "'star'"});
  ExpectBuildError({{"root", "/"}, {"empty", ""}}, {"duplicate route", "'root'", "'empty'"});
  ExpectBuildError({{"x", "/a/b"}, {"y", "/a//b"}}, {"duplicate route", "'x'", "'y'"});
}

TEST(Router, DuplicatesAmongPrivateTriggersAreIgnored) {
  const app::App app = MakeApp({{"p1", "", true}, {"p2", "", true}, {"pub", "/..."}});
  const Router router = MustBuild(app);
  ASSERT_EQ(router.routes().size(), 1u);
  EXPECT_EQ(router.routes()[0].trigger_index, 2u);
}

TEST(Router, MalformedRoutesAreRejected) {
  ExpectBuildError({{"bad", "/a/:"}}, {"trigger 'bad'", "must be named"});
  ExpectBuildError({{"mid", "/a/*/b"}}, {"trigger 'mid'", "last segment"});
  ExpectBuildError({{"ext", "/files/*.txt"}}, {"trigger 'ext'", "last segment"});
  ExpectBuildError({{"named", "/a/*rest"}}, {"trigger 'named'", "cannot be named"});
}

TEST(Router, ErrorsNameTheManifestPositionWhenKnown) {
  app::App app = MakeApp({{"a", "/x"}, {"b", "/x/:"}});
  app.http_triggers[1].where.file = "spin.toml";
  app.http_triggers[1].where.line = 12;
  Result<Router> router = Router::Build(app);
  ASSERT_FALSE(router.ok());
  EXPECT_NE(router.error().message.find("spin.toml:12"), std::string::npos)
      << router.error().message;
  app.http_triggers[1].route = "x/";
  router = Router::Build(app);
  ASSERT_FALSE(router.ok());
  EXPECT_NE(router.error().message.find("spin.toml:12"), std::string::npos)
      << router.error().message;
}

// --- Private and reserved -----------------------------------------------------------

TEST(Router, PrivateTriggersAreNotRoutable) {
  const app::App app =
      MakeApp({{"hidden", "", true}, {"secret", "/secret", true}, {"foo", "/foo"}});
  const Router router = MustBuild(app);
  ASSERT_EQ(router.routes().size(), 1u);
  EXPECT_EQ(router.routes()[0].trigger_id, "foo");
  EXPECT_FALSE(router.Match("/secret").has_value());
  EXPECT_FALSE(router.Match("/").has_value());
  const std::optional<RouteMatch> match = router.Match("/foo");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->trigger_index(), 2u);
}

TEST(Router, WellKnownPaths) {
  struct WellKnownCase {
    std::string path;
    bool reserved;
  };
  const std::vector<WellKnownCase> cases = {{"/.well-known/spin/health", true},
                                            {"/.well-known/spin/info", true},
                                            {"/.well-known/spin/", true},
                                            {"/.well-known/spin/other/x", true},
                                            {"/.well-known/spin", false},
                                            {"/.well-known/spindle/x", false},
                                            {"//.well-known/spin/health", false},
                                            {"/.WELL-KNOWN/spin/health", false},
                                            {"/", false}};
  for (const WellKnownCase& c : cases) {
    EXPECT_EQ(Router::IsWellKnown(c.path), c.reserved) << c.path;
  }
}

TEST(Router, RoutesNeverMatchReservedPaths) {
  const Router catch_all = MustBuild(MakeApp({{"all", "/..."}}));
  EXPECT_FALSE(catch_all.Match("/.well-known/spin/health").has_value());
  EXPECT_FALSE(catch_all.Match("/.well-known/spin/info?x=1").has_value());
  EXPECT_TRUE(catch_all.Match("/.well-known/spin").has_value());
  EXPECT_TRUE(catch_all.ShadowedWellKnownRoutes().empty());

  const Router shadowing = MustBuild(
      MakeApp({{"spin", "/.well-known/spin/..."}, {"fie", "/.well-known/spin/fie"},
               {"other", "/.well-known/spindle/..."}, {"bare", "/.well-known/spin"}}));
  const std::vector<const RouteInfo*> shadowed = shadowing.ShadowedWellKnownRoutes();
  ASSERT_EQ(shadowed.size(), 2u);
  EXPECT_EQ(shadowed[0]->trigger_id, "spin");
  EXPECT_EQ(shadowed[1]->trigger_id, "fie");
  EXPECT_FALSE(shadowing.Match("/.well-known/spin/health").has_value());
  EXPECT_FALSE(shadowing.Match("/.well-known/spin/fie").has_value());
  ASSERT_TRUE(shadowing.Match("/.well-known/spindle/x").has_value());
  ASSERT_TRUE(shadowing.Match("/.well-known/spin").has_value());
  EXPECT_EQ(shadowing.Match("/.well-known/spin")->route->trigger_id, "bare");
}

TEST(Router, EmptyRouterMatchesNothing) {
  EXPECT_FALSE(Router().Match("/").has_value());
  EXPECT_FALSE(Router().Match("").has_value());
  const Router router = MustBuild(MakeApp({}));
  EXPECT_FALSE(router.Match("/").has_value());
  EXPECT_TRUE(router.routes().empty());
}

TEST(Router, CopiesAndMovesKeepWorking) {
  const Router built = MustBuild(MakeApp({{"u", "/u/:id/..."}}));
  const Router copy = built;  // NOLINT(performance-unnecessary-copy-initialization)
  Router temporary = copy;
  const Router moved = std::move(temporary);
  for (const Router* router : {&built, &copy, &moved}) {
    const std::optional<RouteMatch> match = router->Match("/u/7/x");
    ASSERT_TRUE(match.has_value());
    EXPECT_EQ(match->route, &router->routes()[0]);
    ASSERT_EQ(match->captures.size(), 1u);
    EXPECT_EQ(match->captures[0].name, "id");
    EXPECT_EQ(match->captures[0].value, "7");
  }
}

TEST(Router, ManyRoutes) {
  std::vector<TriggerSpec> specs;
  for (int i = 0; i < 500; ++i) {
    specs.push_back({"s" + std::to_string(i), "/api/v1/items" + std::to_string(i) + "/..."});
    specs.push_back({"p" + std::to_string(i), "/u" + std::to_string(i) + "/:id/edit"});
  }
  specs.push_back({"all", "/..."});
  const Router router = MustBuild(MakeApp(specs));
  const std::optional<RouteMatch> a = router.Match("/api/v1/items417/x/y");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->route->trigger_id, "s417");
  EXPECT_EQ(a->path_info, "/x/y");
  const std::optional<RouteMatch> b = router.Match("/u99/abc/edit");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->route->trigger_id, "p99");
  const std::optional<RouteMatch> c = router.Match("/u99/abc/view");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->route->trigger_id, "all");
  EXPECT_EQ(c->path_info, "/u99/abc/view");
}

// --- §2.4 metadata ---------------------------------------------------------------------

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs Headers(const std::vector<MetadataEntry>& entries) {
  Pairs out;
  for (const MetadataEntry& e : entries) out.emplace_back(e.header, e.value);
  return out;
}

Pairs WagiEnv(const std::vector<MetadataEntry>& entries) {
  Pairs out;
  for (const MetadataEntry& e : entries) out.emplace_back(e.wagi_env, e.value);
  return out;
}

TEST(RouteMetadata, SpinDocumentationExample) {
  // docs v3/http-trigger.md: route /users/:userid/cart/..., request
  // https://example.com:8080/users/1/cart/items/3/edit?theme=pink
  const Router router = MustBuild(MakeApp({{"cart", "/users/:userid/cart/..."}}));
  const std::string target = "/users/1/cart/items/3/edit?theme=pink";
  const std::optional<RouteMatch> match = router.Match(target);
  ASSERT_TRUE(match.has_value());
  const std::vector<MetadataEntry> entries =
      RouteMetadata(*match, {"https", "example.com:8080", target, "10.0.0.7:51234"});
  const std::string url = "https://example.com:8080/users/1/cart/items/3/edit?theme=pink";
  EXPECT_EQ(Headers(entries),
            (Pairs{{"spin-path-info", "/items/3/edit"},
                   {"spin-full-url", url},
                   {"spin-matched-route", "/users/:userid/cart/..."},
                   {"spin-base-path", "/"},
                   {"spin-raw-component-route", "/users/:userid/cart/..."},
                   {"spin-component-route", "/users/:userid/cart"},
                   {"spin-client-addr", "10.0.0.7:51234"},
                   {"spin-path-match-userid", "1"}}));
  EXPECT_EQ(WagiEnv(entries),
            (Pairs{{"PATH_INFO", "/items/3/edit"},
                   {"X_FULL_URL", url},
                   {"X_MATCHED_ROUTE", "/users/:userid/cart/..."},
                   {"X_BASE_PATH", "/"},
                   {"X_RAW_COMPONENT_ROUTE", "/users/:userid/cart/..."},
                   {"X_COMPONENT_ROUTE", "/users/:userid/cart"},
                   {"X_CLIENT_ADDR", "10.0.0.7:51234"},
                   {"X_PATH_MATCH_USERID", "1"}}));
}

TEST(RouteMetadata, SpinIntegrationTestPathInfo) {
  // spin tests/integration.rs test_http_routing: body is "<userid>:<path-info>".
  const Router router = MustBuild(MakeApp({{"r", "/users/:userid/..."}}));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/users/42", "42:"},
      {"/users/42/", "42:/"},
      {"/users/42/hello", "42:/hello"},
      {"/users/42/hello/", "42:/hello/"}};
  for (const auto& [path, want] : cases) {
    const std::optional<RouteMatch> match = router.Match(path);
    ASSERT_TRUE(match.has_value()) << path;
    std::string userid, info;
    for (const MetadataEntry& e : RouteMetadata(*match, {"http", "localhost:3000", path, "::1"})) {
      if (e.header == "spin-path-match-userid") userid = e.value;
      if (e.header == "spin-path-info") info = e.value;
    }
    EXPECT_EQ(userid + ":" + info, want) << path;
  }
}

TEST(RouteMetadata, WithBase) {
  const Router router = MustBuild(MakeApp({{"foo", "/foo/..."}}, "/base"));
  const std::optional<RouteMatch> match = router.Match("/base/foo/bar");
  ASSERT_TRUE(match.has_value());
  const std::vector<MetadataEntry> entries = RouteMetadata(
      *match, {"https", "fermyon.dev", "/base/foo/bar?key1=value1&key2=value2", "127.0.0.1:8777"});
  EXPECT_EQ(Headers(entries),
            (Pairs{{"spin-path-info", "/bar"},
                   {"spin-full-url", "https://fermyon.dev/base/foo/bar?key1=value1&key2=value2"},
                   {"spin-matched-route", "/base/foo/..."},
                   {"spin-base-path", "/base"},
                   {"spin-raw-component-route", "/foo/..."},
                   {"spin-component-route", "/foo"},
                   {"spin-client-addr", "127.0.0.1:8777"}}));
}

TEST(RouteMetadata, MissingHostIsLocalhost) {
  const Router router = MustBuild(MakeApp({{"a", "/a"}}));
  const std::optional<RouteMatch> match = router.Match("/a");
  ASSERT_TRUE(match.has_value());
  const std::vector<MetadataEntry> entries =
      RouteMetadata(*match, {"http", "", "/a?q", "1.2.3.4:5"});
  EXPECT_EQ(entries[1].header, "spin-full-url");
  EXPECT_EQ(entries[1].value, "http://localhost/a?q");
  EXPECT_EQ(entries[0].value, "");  // exact route: no path info
}

TEST(RouteMetadata, ParamNamesAreMangledLikeSpin) {
  const Router router = MustBuild(MakeApp({{"a", "/:user_id/:userID/:x-y/:x/:x"}}));
  const std::optional<RouteMatch> match = router.Match("/1/2/3/4/5");
  ASSERT_TRUE(match.has_value());
  const std::vector<MetadataEntry> entries = RouteMetadata(*match, {"http", "h", "/1/2/3/4/5", ""});
  ASSERT_EQ(entries.size(), 11u);
  const std::vector<MetadataEntry> params(entries.begin() + 7, entries.end());
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].header, "spin-path-match-user-id");
  EXPECT_EQ(params[0].wagi_env, "X_PATH_MATCH_USER_ID");
  EXPECT_EQ(params[0].value, "1");
  EXPECT_EQ(params[1].header, "spin-path-match-userid");
  EXPECT_EQ(params[1].wagi_env, "X_PATH_MATCH_USERID");
  EXPECT_EQ(params[1].value, "2");
  EXPECT_EQ(params[2].header, "spin-path-match-x-y");
  EXPECT_EQ(params[2].wagi_env, "X_PATH_MATCH_X-Y");
  EXPECT_EQ(params[3].header, "spin-path-match-x");
  EXPECT_EQ(params[3].value, "5");  // a repeated name keeps its last value
}

TEST(RouteMetadata, DistinctNamesThatMangleAlikeStayDistinct) {
  // Spin keys captures by name, so ":id" and ":ID" give two entries even
  // though both become "spin-path-match-id".
  const Router router = MustBuild(MakeApp({{"a", "/:id/:ID"}}));
  const std::optional<RouteMatch> match = router.Match("/1/2");
  ASSERT_TRUE(match.has_value());
  const std::vector<MetadataEntry> entries = RouteMetadata(*match, {"http", "h", "/1/2", ""});
  ASSERT_EQ(entries.size(), 9u);
  EXPECT_EQ(entries[7].header, "spin-path-match-id");
  EXPECT_EQ(entries[7].value, "1");
  EXPECT_EQ(entries[8].header, "spin-path-match-id");
  EXPECT_EQ(entries[8].value, "2");
}

TEST(RouteMetadata, NamesTable) {
  EXPECT_EQ(kPathInfo.header, "spin-path-info");
  EXPECT_EQ(kPathInfo.wagi_env, "PATH_INFO");
  EXPECT_EQ(kFullUrl.wagi_env, "X_FULL_URL");
  EXPECT_EQ(kMatchedRoute.wagi_env, "X_MATCHED_ROUTE");
  EXPECT_EQ(kBasePath.wagi_env, "X_BASE_PATH");
  EXPECT_EQ(kRawComponentRoute.wagi_env, "X_RAW_COMPONENT_ROUTE");
  EXPECT_EQ(kComponentRoute.wagi_env, "X_COMPONENT_ROUTE");
  EXPECT_EQ(kClientAddr.header, "spin-client-addr");
  EXPECT_EQ(kClientAddr.wagi_env, "X_CLIENT_ADDR");
}

}  // namespace
}  // namespace spindle::http
