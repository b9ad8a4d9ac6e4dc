// `spindle build --image`: the archive is a valid OCI image layout (checked
// by skopeo, an independent reader), holds exactly what a FROM-scratch
// Dockerfile would, and is byte-for-byte reproducible.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "oci/digest.h"
#include "tests/oci/oci_harness.h"

namespace spindle::oci_test {
namespace {

namespace fs = std::filesystem;
using http_test::ReadFile;
using http_test::RunSpindle;
using http_test::TempDir;
using http_test::WriteFile;
using nlohmann::json;

// Every regular file of a tar (optionally gzip'd) held in memory.
std::map<std::string, std::string> ReadTar(const std::string& bytes) {
  std::map<std::string, std::string> files;
  struct archive* archive = archive_read_new();
  archive_read_support_filter_gzip(archive);
  archive_read_support_format_tar(archive);
  if (archive_read_open_memory(archive, bytes.data(), bytes.size()) == ARCHIVE_OK) {
    archive_entry* entry = nullptr;
    while (archive_read_next_header(archive, &entry) == ARCHIVE_OK) {
      std::string name = archive_entry_pathname(entry);
      if (archive_entry_filetype(entry) != AE_IFREG) {
        files[name] = "<dir>";
        continue;
      }
      std::string body(static_cast<size_t>(archive_entry_size(entry)), '\0');
      if (!body.empty()) archive_read_data(archive, body.data(), body.size());
      files[name] = body;
    }
  }
  archive_read_free(archive);
  return files;
}

std::string Gunzip(const std::string& bytes) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  std::string out;
  char buffer[65536];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

std::string Blob(const std::map<std::string, std::string>& layout, const std::string& digest) {
  const auto found = layout.find("blobs/sha256/" + digest.substr(7));
  return found == layout.end() ? "" : found->second;
}

class ImageTest : public ::testing::Test {
 protected:
  void SetUp() override { IsolateEnvironment(scratch_.path()); }
  TempDir scratch_;
  TempDir app_;
};

TEST_F(ImageTest, LayoutHoldsTheAppAsAFromScratchLayer) {
  WriteAssetApp(app_.path());
  const std::string out = scratch_.path() + "/app.tar";
  const ProcessResult built = RunSpindle({"build", "-f", app_.path(), "--image", out});
  ASSERT_EQ(built.status, 0) << built.Describe();

  const auto layout = ReadTar(ReadFile(out));
  ASSERT_TRUE(layout.count("oci-layout")) << "no oci-layout";
  EXPECT_EQ(json::parse(layout.at("oci-layout"))["imageLayoutVersion"], "1.0.0");
  const json index = json::parse(layout.at("index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  const json& entry = index["manifests"][0];
  EXPECT_EQ(entry["annotations"]["io.containerd.image.name"], "docker.io/library/assets:1.2.0");
  EXPECT_EQ(entry["annotations"]["org.opencontainers.image.ref.name"], "1.2.0");
  EXPECT_NE(built.out.find(entry["digest"].get<std::string>()), std::string::npos) << built.out;

  const std::string manifest_bytes = Blob(layout, entry["digest"]);
  EXPECT_EQ(oci::DigestOf(manifest_bytes), entry["digest"]);
  const json manifest = json::parse(manifest_bytes);
  EXPECT_EQ(manifest["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  ASSERT_EQ(manifest["layers"].size(), 1u);
  const json& layer_descriptor = manifest["layers"][0];
  EXPECT_EQ(layer_descriptor["mediaType"], "application/vnd.oci.image.layer.v1.tar+gzip");
  const std::string layer = Blob(layout, layer_descriptor["digest"]);
  EXPECT_EQ(oci::DigestOf(layer), layer_descriptor["digest"]);
  EXPECT_EQ(layer.size(), layer_descriptor["size"].get<size_t>());

  const json config = json::parse(Blob(layout, manifest["config"]["digest"]));
  EXPECT_EQ(config["architecture"], "wasm");
  EXPECT_EQ(config["os"], "wasip1");
  const std::string tar = Gunzip(layer);
  EXPECT_EQ(config["rootfs"]["diff_ids"][0], oci::DigestOf(tar));

  const auto files = ReadTar(tar);
  EXPECT_EQ(files.at("spin.toml"), ReadFile(app_.path() + "/spin.toml"));
  EXPECT_EQ(files.at("bin/asset_guest.wasm"), ReadFile(AssetGuestPath()));
  EXPECT_EQ(files.at("static/hello.txt"), kHelloText);
  EXPECT_EQ(files.at("small.txt"), kSmallText);
  EXPECT_EQ(files.count("static/secret/key.txt"), 0u) << "exclude_files was not honoured";
}

TEST_F(ImageTest, SkopeoReadsTheArchive) {
  if (FindTool("skopeo").empty()) GTEST_SKIP() << "skopeo is not installed (scripts/install-deps.sh)";
  WriteAssetApp(app_.path());
  const std::string out = scratch_.path() + "/app.tar";
  const ProcessResult built =
      RunSpindle({"build", "-f", app_.path() + "/spin.toml", "--image", out, "--name",
                  "example.com/team/assets:v3"});
  ASSERT_EQ(built.status, 0) << built.Describe();

  const ProcessResult inspected = RunTool({"skopeo", "inspect", "oci-archive:" + out});
  ASSERT_EQ(inspected.status, 0) << inspected.Describe();
  const json info = json::parse(inspected.out);
  EXPECT_EQ(info["Architecture"], "wasm");
  EXPECT_EQ(info["Os"], "wasip1");
  ASSERT_EQ(info["Layers"].size(), 1u);
  EXPECT_NE(built.out.find(info["Digest"].get<std::string>()), std::string::npos)
      << "skopeo's manifest digest " << info["Digest"] << " is not the one spindle printed:\n"
      << built.out;
  EXPECT_NE(built.out.find("example.com/team/assets:v3"), std::string::npos) << built.out;

  const ProcessResult config = RunTool({"skopeo", "inspect", "--config", "--raw", "oci-archive:" + out});
  ASSERT_EQ(config.status, 0) << config.Describe();
  EXPECT_EQ(json::parse(config.out)["rootfs"]["diff_ids"].size(), 1u);
}

TEST_F(ImageTest, SameInputsGiveTheSameBytes) {
  WriteAssetApp(app_.path());
  const std::string first = scratch_.path() + "/first.tar", second = scratch_.path() + "/second.tar";
  ASSERT_EQ(RunSpindle({"build", "-f", app_.path(), "--image", first}).status, 0);
  // New modification times must not change anything.
  fs::last_write_time(app_.path() + "/static/hello.txt", fs::file_time_type::clock::now());
  ASSERT_EQ(RunSpindle({"build", "-f", app_.path(), "--image", second}).status, 0);
  const std::string a = ReadFile(first), b = ReadFile(second);
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "two builds of the same app differ";

  const std::string third = scratch_.path() + "/third.tar", fourth = scratch_.path() + "/fourth.tar";
  ASSERT_EQ(RunSpindle({"build", "-f", app_.path(), "--image", third, "--format", "spin"}).status, 0);
  ASSERT_EQ(RunSpindle({"build", "-f", app_.path(), "--image", fourth, "--format", "spin"}).status, 0);
  EXPECT_TRUE(ReadFile(third) == ReadFile(fourth)) << "two artifact layouts of the same app differ";
}

TEST_F(ImageTest, MissingFileNamesTheManifestPosition) {
  WriteAssetApp(app_.path());
  std::string manifest = ReadFile(app_.path() + "/spin.toml");
  manifest.replace(manifest.find("\"small.txt\""), 11, "\"absent.txt\"");
  WriteFile(app_.path() + "/spin.toml", manifest);
  const std::string out = scratch_.path() + "/app.tar";
  const ProcessResult built = RunSpindle({"build", "-f", app_.path(), "--image", out});
  EXPECT_EQ(built.status, 1) << built.Describe();
  EXPECT_NE(built.err.find("spin.toml:13:"), std::string::npos) << built.Describe();
  EXPECT_NE(built.err.find("absent.txt"), std::string::npos) << built.Describe();
  EXPECT_FALSE(fs::exists(out)) << "a failed build left an archive behind";
  for (const auto& entry : fs::directory_iterator(scratch_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

// --format locked: /spin.json and /sha256/<hex> in one layer; unpacked
// as a container rootfs would be, `spindle up -f spin.json` serves it and
// writes nothing there (inline files are in the layer too).
TEST_F(ImageTest, LockedFormatRunsFromItsUnpackedLayer) {
  WriteAssetApp(app_.path());
  const std::string out = scratch_.path() + "/locked.tar";
  const ProcessResult built =
      RunSpindle({"build", "-f", app_.path(), "--image", out, "--format", "locked"});
  ASSERT_EQ(built.status, 0) << built.Describe();
  const auto layout = ReadTar(ReadFile(out));
  const json index = json::parse(layout.at("index.json"));
  const json manifest = json::parse(Blob(layout, index["manifests"][0]["digest"]));
  const auto files = ReadTar(Gunzip(Blob(layout, manifest["layers"][0]["digest"])));
  ASSERT_TRUE(files.count("spin.json"));
  for (const std::string& content : {ReadFile(AssetGuestPath()), std::string(kHelloText),
                                     std::string(kSmallText)}) {
    EXPECT_EQ(files.count("sha256/" + oci::DigestOf(content).substr(7)), 1u);
  }
  EXPECT_EQ(files.count("spin.toml"), 0u);

  const std::string rootfs = scratch_.path() + "/rootfs";
  size_t written = 0;
  for (const auto& [path, body] : files) {
    if (body == "<dir>") continue;
    WriteFile(rootfs + "/" + path, body);
    ++written;
  }
  http_test::SpindleServer server;
  std::string error;
  ASSERT_TRUE(server.Start(rootfs + "/spin.json", {}, error)) << error;
  const auto hello = http_test::Get(server.url("/static/hello.txt"));
  EXPECT_EQ(hello.status, 200) << hello.Describe();
  EXPECT_EQ(hello.body, kHelloText);
  EXPECT_EQ(http_test::Get(server.url("/small.txt")).body, kSmallText);
  size_t now = 0;
  for (const auto& entry : fs::recursive_directory_iterator(rootfs)) now += entry.is_regular_file();
  EXPECT_EQ(now, written) << "loading the locked app wrote into its directory";
}

TEST_F(ImageTest, PlainBuildRunsBuildCommands) {
  WriteAssetApp(app_.path());
  std::string manifest = ReadFile(app_.path() + "/spin.toml");
  manifest += "[component.assets.build]\ncommand = \"echo built > marker.txt\"\n";
  WriteFile(app_.path() + "/spin.toml", manifest);
  const ProcessResult built = RunSpindle({"build", "-f", app_.path()});
  ASSERT_EQ(built.status, 0) << built.Describe();
  EXPECT_EQ(ReadFile(app_.path() + "/marker.txt"), "built\n");
}

}  // namespace
}  // namespace spindle::oci_test
