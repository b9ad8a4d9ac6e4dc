#include "oci/reference.h"

#include <algorithm>
#include <cctype>

#include "oci/digest.h"

namespace spindle::oci {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component of a repository: [a-z0-9]+ joined by '.', '_', '__'
// or runs of '-'.
bool ValidComponent(std::string_view part) {
  if (part.empty() || !IsLowerAlnum(part.front()) || !IsLowerAlnum(part.back())) return false;
  for (size_t i = 0; i < part.size(); ++i) {
    const char c = part[i];
    if (IsLowerAlnum(c) || c == '-') continue;
    if (c == '.' || c == '_') {
      if (!IsLowerAlnum(part[i - 1]) && !(c == '_' && part[i - 1] == '_')) return false;
      continue;
    }
    return false;
  }
  return true;
}

bool ValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    const char c = tag[i];
    const bool word = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (i == 0 ? !word : !(word || c == '.' || c == '-')) return false;
  }
  return true;
}

bool ValidRegistry(std::string_view host) {
  if (host.empty() || !(std::isalnum(static_cast<unsigned char>(host.front())) || host.front() == '[')) {
    return false;
  }
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']')) {
      return false;
    }
  }
  return true;
}

bool NamesRegistry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

// Four dot-separated decimal numbers starting with 127.
bool IsLoopbackIpv4(std::string_view host) {
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    const size_t end = std::min(host.find('.', start), host.size());
    const std::string_view part = host.substr(start, end - start);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    if (parts == 0 && part != "127") return false;
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

Error Invalid(std::string_view text, const std::string& why) {
  return MakeError(Phase::kUsage,
                   "invalid image reference '" + std::string(text) + "': " + why);
}

}  // namespace

std::string Reference::ToString() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::TagOrDigest() const { return tag.empty() ? digest : tag; }

std::string Reference::ApiHost() const {
  return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

bool Reference::IsLoopback() const {
  std::string host = registry;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    host = host.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || IsLoopbackIpv4(host);
}

Result<Reference> ParseReference(std::string_view text) {
  if (text.empty()) return Invalid(text, "it is empty");
  Reference reference;
  std::string_view rest = text;
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    reference.digest = std::string(rest.substr(at + 1));
    if (!IsSha256Digest(reference.digest)) {
      return Invalid(text, "the digest must be sha256: and 64 lowercase hex digits");
    }
    rest = rest.substr(0, at);
  }
  const size_t slash = rest.find('/');
  if (slash != std::string_view::npos && NamesRegistry(rest.substr(0, slash))) {
    reference.registry = std::string(rest.substr(0, slash));
    rest = rest.substr(slash + 1);
    if (!ValidRegistry(reference.registry)) return Invalid(text, "bad registry host");
  } else {
    reference.registry = "docker.io";
  }
  const size_t last_slash = rest.rfind('/');
  const size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    reference.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!ValidTag(reference.tag)) {
      return Invalid(text, "the tag must be 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'");
    }
  }
  if (rest.empty()) return Invalid(text, "no repository name");
  size_t start = 0;
  while (start <= rest.size()) {
    const size_t end = std::min(rest.find('/', start), rest.size());
    if (!ValidComponent(rest.substr(start, end - start))) {
      return Invalid(text, "repository names are lowercase letters and digits, separated by "
                           "'/', and inside a segment by '.', '_', '__' or '-'");
    }
    start = end + 1;
  }
  reference.repository = std::string(rest);
  if (reference.registry == "docker.io" && reference.repository.find('/') == std::string::npos) {
    reference.repository = "library/" + reference.repository;
  }
  if (reference.tag.empty() && reference.digest.empty()) reference.tag = "latest";
  return reference;
}

bool LooksLikeRegistryReference(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  return NamesRegistry(text.substr(0, slash)) && ValidRegistry(text.substr(0, slash)) &&
         ParseReference(text).ok();
}

std::string SanitizeTag(std::string_view text) {
  std::string tag;
  for (char c : text.substr(0, 128)) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    tag += keep ? c : '-';
  }
  if (tag.empty()) return "latest";
  if (tag.front() == '.' || tag.front() == '-') tag.front() = '_';
  return tag;
}

std::string SanitizeRepositoryName(std::string_view text) {
  std::string name;
  for (char c : text) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    name += IsLowerAlnum(lower) ? lower : '-';
  }
  while (!name.empty() && !IsLowerAlnum(name.front())) name.erase(name.begin());
  while (!name.empty() && !IsLowerAlnum(name.back())) name.pop_back();
  return name.empty() ? "app" : name;
}

}  // namespace spindle::oci
