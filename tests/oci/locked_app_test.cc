// The locked-app writer and reader: an app survives LockApp -> JSON ->
// ParseLockedApp with every field the runtime uses, small files are
// inlined, and broken input is reported with its JSON path or byte offset.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/base64.h"
#include "app/files.h"
#include "app/locked_app.h"
#include "app/manifest.h"
#include "oci/atomic_file.h"
#include "oci/digest.h"
#include "oci/locked_app_content.h"
#include "tests/oci/oci_harness.h"

namespace spindle::oci_test {
namespace {

namespace fs = std::filesystem;
using http_test::ReadFile;
using http_test::TempDir;
using http_test::WriteFile;
using nlohmann::json;

Result<app::ContentInfo> Digest(const fs::path& path) {
  SPINDLE_ASSIGN_OR_RETURN(oci::FileDigest digest, oci::DigestOfFile(path));
  return app::ContentInfo{digest.digest, digest.size};
}

// Copies every non-inline content of `locked` into `content_dir` by digest.
void StoreContent(const app::LockedApp& locked, const fs::path& content_dir) {
  for (const auto* list : {&locked.wasm, &locked.data}) {
    for (const app::LockedContent& content : *list) {
      const fs::path target = app::ContentPath(content_dir, content.digest);
      fs::create_directories(target.parent_path());
      fs::copy_file(content.path, target, fs::copy_options::overwrite_existing);
    }
  }
}

class LockedAppTest : public ::testing::Test {
 protected:
  app::App LoadRich() {
    WriteAssetApp(app_.path());
    std::string manifest = ReadFile(app_.path() + "/spin.toml");
    manifest +=
        "environment = { GREETING = \"hi\" }\n"
        "allowed_outbound_hosts = [\"https://example.com\"]\n"
        "key_value_stores = [\"default\"]\n"
        "[component.assets.variables]\n"
        "motd = \"{{ message }}\"\n"
        "[variables]\n"
        "message = { default = \"hello\" }\n"
        "token = { required = true, secret = true }\n"
        "[[trigger.http]]\n"
        "route = \"/spin/...\"\n"
        "component = \"plain\"\n"
        "[[trigger.http]]\n"
        "route = { private = true }\n"
        "component = \"plain\"\n"
        "[component.plain]\n"
        "source = \"bin/asset_guest.wasm\"\n";
    WriteFile(app_.path() + "/spin.toml", manifest);
    auto app = app::LoadManifest(app_.path());
    EXPECT_TRUE(app.ok()) << app.error().ToString();
    return std::move(app).value();
  }

  TempDir app_;
  TempDir content_;
};

TEST_F(LockedAppTest, RoundTripKeepsWhatTheRuntimeNeeds) {
  const app::App original = LoadRich();
  auto locked = app::LockApp(original, Digest);
  ASSERT_TRUE(locked.ok()) << locked.error().ToString();
  // One wasm (two components share it), one data file; small.txt is inline.
  EXPECT_EQ(locked->wasm.size(), 1u);
  ASSERT_EQ(locked->data.size(), 1u);
  EXPECT_EQ(locked->data[0].path, fs::path(app_.path()) / "static/hello.txt");

  StoreContent(*locked, content_.path());
  const fs::path json_path = fs::path(content_.path()) / "spin.json";
  ASSERT_TRUE(oci::WriteFileAtomically(json_path, locked->json).ok());
  auto read = oci::LoadLockedAppWithContent(json_path, content_.path());
  ASSERT_TRUE(read.ok()) << read.error().ToString();

  EXPECT_EQ(read->name, "assets");
  EXPECT_EQ(read->version, "1.2.0");
  EXPECT_EQ(read->description, "serves its files");
  EXPECT_EQ(read->authors, original.authors);
  ASSERT_EQ(read->components.size(), 2u);
  const app::Component* assets = read->FindComponent("assets");
  ASSERT_NE(assets, nullptr);
  EXPECT_EQ(ReadFile(assets->source.string()), ReadFile(AssetGuestPath()));
  EXPECT_EQ(assets->environment.at("GREETING"), "hi");
  EXPECT_EQ(assets->variables.at("motd"), "{{ message }}");
  EXPECT_EQ(assets->allowed_outbound_hosts, original.FindComponent("assets")->allowed_outbound_hosts);
  EXPECT_EQ(assets->key_value_stores, std::vector<std::string>{"default"});

  auto mounts = app::ResolveFiles(*read, *assets);
  ASSERT_TRUE(mounts.ok()) << mounts.error().ToString();
  std::map<std::string, std::string> files;
  for (const app::FileMount& mount : *mounts) files[mount.destination] = ReadFile(mount.source.string());
  EXPECT_EQ(files.size(), 2u);
  EXPECT_EQ(files["/static/hello.txt"], kHelloText);
  EXPECT_EQ(files["/small.txt"], kSmallText);

  ASSERT_EQ(read->http_triggers.size(), 3u);
  EXPECT_EQ(read->http_triggers[0].route, "/...");
  EXPECT_EQ(read->http_triggers[0].executor.kind, app::HttpExecutor::Kind::kWagi);
  EXPECT_EQ(read->http_triggers[1].route, "/spin/...");
  EXPECT_EQ(read->http_triggers[1].executor.kind, app::HttpExecutor::Kind::kSpin);
  EXPECT_TRUE(read->http_triggers[2].is_private);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(read->http_triggers[i].id, original.http_triggers[i].id);

  ASSERT_EQ(read->variables.size(), 2u);
  for (const app::Variable& variable : read->variables) {
    if (variable.name == "message") {
      EXPECT_EQ(variable.default_value, "hello");
    } else {
      EXPECT_EQ(variable.name, "token");
      EXPECT_TRUE(variable.required);
      EXPECT_TRUE(variable.secret);
    }
  }
}

TEST_F(LockedAppTest, SmallFilesAreInlineWithTheirDigest) {
  const app::App original = LoadRich();
  auto locked = app::LockApp(original, Digest);
  ASSERT_TRUE(locked.ok()) << locked.error().ToString();
  const json document = json::parse(locked->json);
  EXPECT_EQ(document["spin_lock_version"], 1);
  const json& files = document["components"][0]["files"];
  bool saw_inline = false;
  for (const json& file : files) {
    if (file["path"] == "small.txt") {
      saw_inline = true;
      EXPECT_EQ(app::Base64Decode(file["inline"].get<std::string>()).value_or(""), kSmallText);
      EXPECT_EQ(file["digest"], oci::DigestOf(kSmallText));
    } else {
      EXPECT_FALSE(file.contains("inline")) << file.dump();
    }
  }
  EXPECT_TRUE(saw_inline) << locked->json;
  // Same app, same bytes.
  auto again = app::LockApp(original, Digest);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->json, locked->json);
}

TEST_F(LockedAppTest, ReaderNamesWhatIsWrong) {
  const fs::path json_path = fs::path(content_.path()) / "spin.json";
  auto bad_json = app::ParseLockedApp("{\"components\": [", json_path, content_.path());
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.error().message.find("byte "), std::string::npos) << bad_json.error().message;

  const std::string missing_digest = oci::DigestOf("not stored");
  auto missing = app::ParseLockedApp(
      R"({"components":[{"id":"a","source":{"content_type":"application/wasm","digest":")" +
          missing_digest + R"("}}]})",
      json_path, content_.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("components[0].source"), std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find(missing_digest), std::string::npos);

  auto unknown = app::ParseLockedApp(
      R"({"components":[],"triggers":[{"id":"t","trigger_type":"http","trigger_config":{"component":"nope","route":"/"}}]})",
      json_path, content_.path());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("triggers[0].trigger_config.component"), std::string::npos)
      << unknown.error().message;

  const std::string wasm_digest = oci::DigestOf("wasm");
  const fs::path wasm_path = app::ContentPath(content_.path(), wasm_digest);
  fs::create_directories(wasm_path.parent_path());
  WriteFile(wasm_path.string(), "wasm");
  auto escaping = app::ParseLockedApp(
      R"({"components":[{"id":"a","source":{"digest":")" + wasm_digest +
          R"("},"files":[{"path":"static/../../../etc/x","digest":")" + wasm_digest + R"("}]}]})",
      json_path, content_.path());
  ASSERT_FALSE(escaping.ok());
  EXPECT_NE(escaping.error().message.find("components[0].files[0].path"), std::string::npos)
      << escaping.error().message;
  auto bad_id = app::ParseLockedApp(
      R"({"components":[{"id":"../a","source":{"digest":")" + wasm_digest + R"("}}]})", json_path,
      content_.path());
  ASSERT_FALSE(bad_id.ok());
  EXPECT_NE(bad_id.error().message.find("components[0].id"), std::string::npos) << bad_id.error().message;

  auto odd_route = app::ParseLockedApp(
      R"({"components":[{"id":"a","source":{"digest":")" + wasm_digest +
          R"("}}],"triggers":[{"id":"t","trigger_type":"http","trigger_config":{"component":"a","route":{"private":"yes"}}}]})",
      json_path, content_.path());
  ASSERT_FALSE(odd_route.ok());
  EXPECT_NE(odd_route.error().message.find("triggers[0].trigger_config.route"), std::string::npos)
      << odd_route.error().message;

  const std::string tampered =
      R"({"components":[{"id":"a","source":{"digest":")" + oci::DigestOf("x") +
      R"("},"files":[{"path":"f","digest":")" + oci::DigestOf("other") +
      R"(","inline":"eA=="}]}]})";
  const auto materialized = oci::MaterializeInlineContent(tampered, json_path, content_.path());
  ASSERT_FALSE(materialized.ok());
  EXPECT_NE(materialized.error().message.find("digest mismatch"), std::string::npos)
      << materialized.error().message;
}

TEST_F(LockedAppTest, FileNamesThatAreNotUtf8AreAnError) {
  WriteAssetApp(app_.path());
  WriteFile(app_.path() + "/static/\xff.txt", "bytes");
  auto app = app::LoadManifest(app_.path());
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  auto locked = app::LockApp(*app, Digest);
  ASSERT_FALSE(locked.ok());
  EXPECT_NE(locked.error().message.find("is not UTF-8"), std::string::npos) << locked.error().message;
}

// Spin may write inline files without a digest; they still load.
TEST_F(LockedAppTest, InlineContentWithoutDigestLoads) {
  const fs::path wasm = app::ContentPath(content_.path(), oci::DigestOf(ReadFile(AssetGuestPath())));
  fs::create_directories(wasm.parent_path());
  fs::copy_file(AssetGuestPath(), wasm);
  const fs::path json_path = fs::path(content_.path()) / "spin.json";
  WriteFile(json_path.string(),
            R"({"spin_lock_version":1,"metadata":{"name":"x"},"components":[{"id":"a","source":{"digest":")" +
                oci::DigestOf(ReadFile(AssetGuestPath())) +
                R"("},"files":[{"path":"note.txt","inline":")" + app::Base64Encode("hi\n") +
                R"("}]}],"triggers":[{"id":"t","trigger_type":"http","trigger_config":{"component":"a","route":"/..."}}]})");
  auto read = oci::LoadLockedAppWithContent(json_path, content_.path());
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  ASSERT_EQ(read->components[0].files.size(), 1u);
  EXPECT_EQ(read->components[0].files[0].destination, "/note.txt");
  EXPECT_EQ(ReadFile(read->components[0].files[0].source.string()), "hi\n");
}

TEST(Base64Test, RoundTripsAndRejectsGarbage) {
  for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\x00\x10"}) {
    EXPECT_EQ(app::Base64Decode(app::Base64Encode(text)).value_or("<bad>"), text);
  }
  EXPECT_EQ(app::Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(app::Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(app::Base64Decode("Zm9=v").has_value());
  EXPECT_FALSE(app::Base64Decode("Zm*v").has_value());
}

}  // namespace
}  // namespace spindle::oci_test
