// Scratch directories and whole-file reads and writes for the harnesses.
#pragma once

#include <string>

namespace spindle::test_support {

// A fresh directory under $TMPDIR, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes `text` to `path`, creating its directory.
void WriteFile(const std::string& path, const std::string& text);
// The whole file; "" if it is missing.
std::string ReadFile(const std::string& path);

}  // namespace spindle::test_support
