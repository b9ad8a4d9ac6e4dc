#include "oci/registry_client.h"

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "app/base64.h"
#include "oci/atomic_file.h"
#include "oci/digest.h"
#include "oci/http_client.h"
#include "oci/json_fields.h"
#include "oci/media_types.h"

namespace spindle::oci {
namespace {

using nlohmann::json;

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

// `Bearer realm="...",service="...",scope="..."` -> scheme and parameters.
std::pair<std::string, std::map<std::string, std::string>> ParseChallenge(const std::string& header) {
  std::map<std::string, std::string> parameters;
  const size_t space = header.find(' ');
  std::string scheme = header.substr(0, space);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = space == std::string::npos ? header.size() : space + 1;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ',')) ++at;
    const size_t equals = header.find('=', at);
    if (equals == std::string::npos) break;
    std::string key = header.substr(at, equals - at);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value;
    at = equals + 1;
    if (at < header.size() && header[at] == '"') {
      const size_t close = header.find('"', at + 1);
      value = header.substr(at + 1, close == std::string::npos ? std::string::npos : close - at - 1);
      at = close == std::string::npos ? header.size() : close + 1;
    } else {
      const size_t comma = header.find(',', at);
      value = header.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      at = comma == std::string::npos ? header.size() : comma;
    }
    parameters[key] = value;
  }
  return {scheme, parameters};
}

std::string Shorten(const std::string& body) {
  std::string text = body.substr(0, 300);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

constexpr char kManifestAccept[] =
    "Accept: application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

}  // namespace

RegistryClient::RegistryClient(Reference reference, RegistryOptions options)
    : reference_(std::move(reference)), options_(std::move(options)) {
  const bool plain = options_.insecure || reference_.IsLoopback();
  origin_ = (plain ? "http://" : "https://") + reference_.ApiHost();
  base_ = origin_ + "/v2/" + reference_.repository;
  if (!options_.credentials) options_.credentials = FindCredentials(reference_.registry);
}

Error RegistryClient::StatusError(long status, const std::string& what, const std::string& body) const {
  const std::string ref = reference_.ToString();
  std::string message;
  if (status == 401) {
    message = ref + ": " + what + ": the registry wants credentials (401 Unauthorized); run "
              "`spindle registry login " + reference_.registry + "`";
  } else if (status == 403) {
    message = ref + ": " + what + ": access denied (403 Forbidden); check the credentials from "
              "`spindle registry login " + reference_.registry + "` and the repository's permissions";
  } else if (status == 404) {
    message = ref + ": " + what + ": not found (404)";
  } else {
    message = ref + ": " + what + ": the registry answered HTTP " + std::to_string(status);
  }
  if (!body.empty()) message += " (" + Shorten(body) + ")";
  return MakeError(Phase::kIo, message);
}

Error RegistryClient::Unreachable(const Error& transport) const {
  return MakeError(Phase::kIo, reference_.ToString() + ": registry " + reference_.registry +
                                   " is unreachable: " + transport.message);
}

Status RegistryClient::Authenticate(const std::string& challenge, bool push) {
  auto [scheme, parameters] = ParseChallenge(challenge);
  const auto& credentials = options_.credentials;
  std::string basic;
  if (credentials) {
    basic = "Authorization: Basic " +
            app::Base64Encode(credentials->username + ":" + credentials->password);
  }
  if (scheme == "basic") {
    if (!credentials) return StatusError(401, "authentication", "");
    authorization_ = basic;
    return Ok();
  }
  if (scheme != "bearer" || parameters["realm"].empty()) {
    return MakeError(Phase::kIo, reference_.ToString() + ": unsupported authentication challenge '" +
                                     challenge + "'");
  }
  std::string url = parameters["realm"];
  url += url.find('?') == std::string::npos ? '?' : '&';
  if (!parameters["service"].empty()) url += "service=" + UrlEncode(parameters["service"]) + "&";
  url += "scope=" + UrlEncode("repository:" + reference_.repository + (push ? ":pull,push" : ":pull"));
  HttpRequest request;
  request.url = url;
  request.follow_redirects = true;
  if (!basic.empty()) request.headers.push_back(basic);
  auto performed = Perform(request);
  if (!performed.ok()) return Unreachable(performed.error());
  const HttpResponse& response = *performed;
  if (response.status != 200) return StatusError(response.status, "token request", response.body);
  const json answer = json::parse(response.body, nullptr, false);
  std::string token;
  if (answer.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      const auto found = answer.find(key);
      if (found != answer.end() && found->is_string() && !found->get_ref<const std::string&>().empty()) {
        token = found->get<std::string>();
        break;
      }
    }
  }
  if (token.empty()) {
    return MakeError(Phase::kIo, reference_.ToString() + ": the token service at " +
                                     parameters["realm"] + " returned no token");
  }
  authorization_ = "Authorization: Bearer " + token;
  return Ok();
}

Result<HttpResponse> RegistryClient::Send(const HttpRequest& original, bool push) {
  for (int attempt = 0;; ++attempt) {
    HttpRequest request = original;
    request.bypass_proxy = reference_.IsLoopback();
    if (!authorization_.empty()) request.headers.push_back(authorization_);
    auto performed = Perform(request);
    if (!performed.ok()) return Unreachable(performed.error());
    HttpResponse response = std::move(performed).value();
    if (response.status != 401 || attempt > 0) return response;
    const std::string challenge = response.Header("www-authenticate");
    if (challenge.empty()) return response;
    const std::string before = authorization_;
    SPINDLE_TRY(Authenticate(challenge, push));
    if (authorization_ == before) return response;
  }
}

Result<bool> RegistryClient::BlobExists(const std::string& digest) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = base_ + "/blobs/" + digest;
  request.follow_redirects = true;
  SPINDLE_ASSIGN_OR_RETURN(HttpResponse response, Send(request, true));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return StatusError(response.status, "checking blob " + digest, "");
}

Status RegistryClient::Upload(const std::string& digest, HttpRequest& put) {
  SPINDLE_ASSIGN_OR_RETURN(bool exists, BlobExists(digest));
  if (exists) return Ok();
  HttpRequest start;
  start.method = "POST";
  start.url = base_ + "/blobs/uploads/";
  SPINDLE_ASSIGN_OR_RETURN(HttpResponse started, Send(start, true));
  if (started.status != 202) return StatusError(started.status, "starting an upload", started.body);
  std::string location = started.Header("location");
  if (location.empty()) {
    return MakeError(Phase::kIo, reference_.ToString() + ": the registry gave no upload location");
  }
  if (location.front() == '/') location = origin_ + location;
  put.method = "PUT";
  put.url = location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + UrlEncode(digest);
  put.headers = {"Content-Type: application/octet-stream"};
  SPINDLE_ASSIGN_OR_RETURN(HttpResponse finished, Send(put, true));
  if (finished.status != 201) return StatusError(finished.status, "uploading blob " + digest, finished.body);
  return Ok();
}

Status RegistryClient::PushBlob(const std::string& digest, const std::string& bytes,
                                const ByteProgress& progress) {
  HttpRequest put;
  put.body = &bytes;
  if (progress) put.progress = [&](uint64_t done, uint64_t) { progress(done); };
  return Upload(digest, put);
}

Status RegistryClient::PushBlobFile(const std::string& digest, const std::filesystem::path& file,
                                    const ByteProgress& progress) {
  HttpRequest put;
  put.body_file = file;
  if (progress) put.progress = [&](uint64_t done, uint64_t) { progress(done); };
  return Upload(digest, put);
}

Result<std::string> RegistryClient::PushManifest(const std::string& bytes, const std::string& media_type) {
  HttpRequest put;
  put.method = "PUT";
  put.url = base_ + "/manifests/" + reference_.TagOrDigest();
  put.headers = {"Content-Type: " + media_type};
  put.body = &bytes;
  SPINDLE_ASSIGN_OR_RETURN(HttpResponse response, Send(put, true));
  if (response.status != 201 && response.status != 200) {
    return StatusError(response.status, "uploading the manifest", response.body);
  }
  const std::string digest = DigestOf(bytes);
  const std::string reported = response.Header("docker-content-digest");
  if (!reported.empty() && reported != digest) {
    return MakeError(Phase::kIo, reference_.ToString() + ": the registry stored the manifest as " +
                                     reported + " but its digest is " + digest);
  }
  return digest;
}

Result<FetchedManifest> RegistryClient::GetManifest(const std::string& tag_or_digest) {
  HttpRequest request;
  request.url = base_ + "/manifests/" + tag_or_digest;
  request.headers = {kManifestAccept};
  request.follow_redirects = true;
  SPINDLE_ASSIGN_OR_RETURN(HttpResponse response, Send(request, false));
  if (response.status == 404) {
    return MakeError(Phase::kIo, reference_.ToString() + ": no such manifest: " + tag_or_digest +
                                     " is not in " + reference_.registry + "/" +
                                     reference_.repository + " (404)");
  }
  if (response.status != 200) return StatusError(response.status, "fetching the manifest", response.body);
  FetchedManifest manifest;
  manifest.bytes = std::move(response.body);
  manifest.digest = DigestOf(manifest.bytes);
  manifest.media_type = response.Header("content-type");
  if (const size_t semicolon = manifest.media_type.find(';'); semicolon != std::string::npos) {
    manifest.media_type.resize(semicolon);
  }
  const std::string expected =
      IsSha256Digest(tag_or_digest) ? tag_or_digest : response.Header("docker-content-digest");
  if (!expected.empty() && IsSha256Digest(expected) && expected != manifest.digest) {
    return MakeError(Phase::kIo, reference_.ToString() + ": digest mismatch: the manifest should be " +
                                     expected + " but its content hashes to " + manifest.digest);
  }
  return manifest;
}

Result<FetchedManifest> RegistryClient::FetchManifest() {
  SPINDLE_ASSIGN_OR_RETURN(FetchedManifest manifest, GetManifest(reference_.TagOrDigest()));
  const json document = json::parse(manifest.bytes, nullptr, false);
  if (!document.is_object()) {
    return MakeError(Phase::kIo, reference_.ToString() + ": the manifest is not a JSON object");
  }
  const auto manifests = document.find("manifests");
  if (manifests == document.end() || !manifests->is_array()) return manifest;
  // An index: take the wasm platform's manifest, or the only one.
  std::string chosen;
  for (const json& entry : *manifests) {
    const auto platform = entry.is_object() ? entry.find("platform") : entry.end();
    if (platform != entry.end() && StringField(*platform, "os") == kWasmOs &&
        !StringField(entry, "digest").empty()) {
      chosen = StringField(entry, "digest");
      break;
    }
  }
  if (chosen.empty() && manifests->size() == 1) chosen = StringField((*manifests)[0], "digest");
  if (chosen.empty() || !IsSha256Digest(chosen)) {
    return MakeError(Phase::kIo, reference_.ToString() + ": the image index has no wasip1/wasm manifest");
  }
  return GetManifest(chosen);
}

Status RegistryClient::FetchBlob(const std::string& digest, uint64_t size,
                                 const std::filesystem::path& destination, const ByteProgress& progress) {
  AtomicFile file(destination);
  SPINDLE_TRY(file.Open());
  Sha256 hasher;
  uint64_t received = 0;
  Status write_status;
  HttpRequest request;
  request.url = base_ + "/blobs/" + digest;
  request.follow_redirects = true;
  request.sink = [&](std::string_view chunk) {
    received += chunk.size();
    if (received > size) return false;  // more than the manifest promised
    hasher.Update(chunk);
    write_status = file.Write(chunk);
    return write_status.ok();
  };
  if (progress) request.progress = [&](uint64_t done, uint64_t) { progress(done); };
  auto response = Send(request, false);
  SPINDLE_TRY(write_status);
  if (received > size) {
    return MakeError(Phase::kIo, reference_.ToString() + ": blob " + digest + " is larger than the " +
                                     std::to_string(size) + " bytes its descriptor says");
  }
  if (!response.ok()) return std::move(response).error();
  if (response->status != 200) return StatusError(response->status, "fetching blob " + digest, response->body);
  if (received != size) {
    return MakeError(Phase::kIo, reference_.ToString() + ": blob " + digest + " has " +
                                     std::to_string(received) + " bytes, its descriptor says " +
                                     std::to_string(size));
  }
  const std::string actual = hasher.Finish();
  if (actual != digest) {
    return MakeError(Phase::kIo, reference_.ToString() + ": digest mismatch: blob " + digest +
                                     " arrived with content hashing to " + actual);
  }
  return file.Commit();
}

}  // namespace spindle::oci
