// A client for one repository of an OCI distribution (v2 API) registry:
// blob HEAD, monolithic upload (POST then PUT ?digest=), blob download with
// redirects, manifest PUT and GET. Authentication answers the registry's
// 401 challenge: `Bearer` (token from the realm, with Basic credentials if
// known) or `Basic`. HTTPS, except plain HTTP for loopback registries or
// when `insecure` is set.
//
// Errors name the reference and say what to do: unreachable registry,
// 401/403 (run `spindle registry login`), 404 (no such tag or blob),
// digest or size mismatch.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/base/result.h"
#include "oci/credentials.h"
#include "oci/reference.h"

namespace spindle::oci {

struct RegistryOptions {
  bool insecure = false;                   // plain HTTP even for non-loopback hosts
  std::optional<Credentials> credentials;  // default: FindCredentials(registry)
};

struct FetchedManifest {
  std::string bytes;
  std::string media_type;
  std::string digest;  // sha256 of `bytes`, checked against the registry's
};

using ByteProgress = std::function<void(uint64_t done)>;

class RegistryClient {
 public:
  RegistryClient(Reference reference, RegistryOptions options);

  Result<bool> BlobExists(const std::string& digest);
  // Uploads unless the registry already has it: bytes in memory, or a file
  // streamed from disk (the registry checks it against `digest`).
  Status PushBlob(const std::string& digest, const std::string& bytes, const ByteProgress& progress);
  Status PushBlobFile(const std::string& digest, const std::filesystem::path& file,
                      const ByteProgress& progress);
  // PUT under the reference's tag; returns the manifest digest.
  Result<std::string> PushManifest(const std::string& bytes, const std::string& media_type);
  // The reference's manifest (tag or digest). An image index is resolved to
  // its wasm/wasip1 entry (or its only entry).
  Result<FetchedManifest> FetchManifest();
  // Streams the blob to `destination` atomically, verifying size and digest
  // before the file appears.
  Status FetchBlob(const std::string& digest, uint64_t size, const std::filesystem::path& destination,
                   const ByteProgress& progress);

  const Reference& reference() const { return reference_; }

 private:
  struct Call;
  Result<struct HttpResponse> Send(const struct HttpRequest& request, bool push);
  Status Authenticate(const std::string& challenge, bool push);
  Error Unreachable(const Error& transport) const;
  Error StatusError(long status, const std::string& what, const std::string& body) const;
  Result<FetchedManifest> GetManifest(const std::string& tag_or_digest);
  Status Upload(const std::string& digest, struct HttpRequest& put);

  Reference reference_;
  RegistryOptions options_;
  std::string base_;           // "https://host/v2/<repository>"
  std::string origin_;         // "https://host"
  std::string authorization_;  // "Authorization: ..." once known
};

}  // namespace spindle::oci
