// SHA-256 content digests in OCI's "sha256:<64 lowercase hex>" form.
// Hashing goes through OpenSSL's EVP interface.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace spindle::oci {

// Incremental SHA-256. Not thread-safe; one hasher per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // "sha256:<hex>"; the hasher cannot be updated afterwards.
  std::string Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string DigestOf(std::string_view bytes);  // "sha256:<hex>"

// Digest and size of a file, read in chunks.
struct FileDigest {
  std::string digest;
  uint64_t size = 0;
};
Result<FileDigest> DigestOfFile(const std::filesystem::path& path);

// True for "sha256:" followed by exactly 64 lowercase hex digits: the only
// form Spindle writes, and the only one it trusts as a file name.
bool IsSha256Digest(std::string_view digest);

// The 64 hex digits of a valid digest (IsSha256Digest must hold).
std::string_view DigestHex(std::string_view digest);

}  // namespace spindle::oci
