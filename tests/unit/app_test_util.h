// Helpers for the app/ tests: a temporary app directory and small
// manifests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/manifest.h"

namespace spindle::app::testing {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

// A temporary app directory, removed at the end of the test.
class AppDir {
 public:
  AppDir() {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("spindle-manifest-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~AppDir() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  const fs::path& root() const { return root_; }

  // Creates `relative` (and its parents) holding `text`.
  void Write(const std::string& relative, const std::string& text = "") const {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  void Manifest(const std::string& text) const { Write("spin.toml", text); }

  Result<App> Load() const { return LoadManifest(root_); }

  // Loads, expecting failure; returns the message with the directory
  // stripped, so it reads "spin.toml:14:1: ...".
  std::string Error() const {
    Result<App> app = Load();
    EXPECT_FALSE(app.ok()) << "the manifest loaded";
    return app.ok() ? "" : Strip(app.error().message);
  }

  std::string Strip(std::string message) const {
    const std::string prefix = (root_ / "").string();
    for (size_t at; (at = message.find(prefix)) != std::string::npos;) {
      message.erase(at, prefix.size());
    }
    return message;
  }

 private:
  fs::path root_;
};

// "line:column" of a position.
inline std::string LineCol(const SourcePosition& where) {
  return std::to_string(where.line) + ":" + std::to_string(where.column);
}

inline App MustLoad(const AppDir& dir) {
  Result<App> app = dir.Load();
  EXPECT_TRUE(app.ok()) << (app.ok() ? "" : app.error().message);
  return app.ok() ? std::move(app).value() : App();
}

// A minimal valid v2 manifest: `extra` goes after line 3 and
// `component_extra` after line 8, inside [component.a] (source a.wasm).
inline std::string V2(const std::string& extra, const std::string& component_extra = "") {
  return "spin_manifest_version = 2\n"
         "[application]\n"
         "name = \"x\"\n" +
         extra +
         "[[trigger.http]]\n"
         "route = \"/\"\n"
         "component = \"a\"\n"
         "[component.a]\n"
         "source = \"a.wasm\"\n" +
         component_extra;
}

}  // namespace spindle::app::testing
