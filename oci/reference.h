// Image references ("ghcr.io/org/app:1.0", "localhost:5000/app@sha256:..",
// "app") with Docker's normalization: no registry means docker.io, and a
// one-segment docker.io repository gets "library/".
#pragma once

#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace spindle::oci {

struct Reference {
  std::string registry;    // "127.0.0.1:5000", "ghcr.io", "docker.io"
  std::string repository;  // "org/app", "library/app"
  std::string tag;         // "latest" when neither tag nor digest was given
  std::string digest;      // "sha256:..." or empty

  // "registry/repository:tag" (or "@digest" when pinned by digest).
  std::string ToString() const;
  // The tag, or the digest when there is no tag: what a manifest GET names.
  std::string TagOrDigest() const;
  // The host to talk to: docker.io's API lives at registry-1.docker.io.
  std::string ApiHost() const;
  // 127.0.0.0/8, ::1 or localhost (with any port): plain HTTP is allowed.
  bool IsLoopback() const;
};

// Parses and normalizes `text`. Errors (Phase::kUsage) name the reference
// and the rule it breaks.
Result<Reference> ParseReference(std::string_view text);

// True if `text` names its registry explicitly ("host.tld/...",
// "host:port/...", "localhost/..."): the test `spindle up -f` uses to tell
// a reference from a path that does not exist.
bool LooksLikeRegistryReference(std::string_view text);

// A valid tag made from `text` (an app version): characters outside
// [A-Za-z0-9_.-] become '-', at most 128, never starting with '.' or '-'.
std::string SanitizeTag(std::string_view text);

// A valid repository segment from an app name: lower-cased, other
// characters mapped to '-'.
std::string SanitizeRepositoryName(std::string_view text);

}  // namespace spindle::oci
