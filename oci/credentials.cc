#include "oci/credentials.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/base64.h"
#include "oci/atomic_file.h"

namespace spindle::oci {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path Home() {
  const char* home = std::getenv("HOME");
  return home && *home ? fs::path(home) : fs::path("/");
}

// "https://index.docker.io/v1/" -> "docker.io"; "https://host:5000/x" -> "host:5000".
std::string NormalizeServer(std::string server) {
  if (const size_t scheme = server.find("://"); scheme != std::string::npos) server.erase(0, scheme + 3);
  if (const size_t slash = server.find('/'); slash != std::string::npos) server.erase(slash);
  if (server == "index.docker.io" || server == "registry-1.docker.io") server = "docker.io";
  return server;
}

std::optional<json> ReadJson(const fs::path& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return std::nullopt;
  json document = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  return document;
}

std::optional<Credentials> FromAuths(const json& document, const std::string& registry) {
  const auto auths = document.find("auths");
  if (auths == document.end() || !auths->is_object()) return std::nullopt;
  for (const auto& [server, entry] : auths->items()) {
    if (NormalizeServer(server) != registry || !entry.is_object()) continue;
    if (const auto auth = entry.find("auth"); auth != entry.end() && auth->is_string()) {
      const auto decoded = app::Base64Decode(auth->get_ref<const std::string&>());
      if (!decoded) continue;
      const size_t colon = decoded->find(':');
      if (colon == std::string::npos) continue;
      return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
    }
    const auto user = entry.find("username");
    const auto password = entry.find("password");
    if (user != entry.end() && password != entry.end() && user->is_string() && password->is_string()) {
      return Credentials{user->get<std::string>(), password->get<std::string>()};
    }
  }
  return std::nullopt;
}

}  // namespace

fs::path SpindleAuthFile() {
  const char* config = std::getenv("XDG_CONFIG_HOME");
  const fs::path base = config && *config ? fs::path(config) : Home() / ".config";
  return base / "spindle" / "auth.json";
}

std::optional<Credentials> FindCredentials(const std::string& registry) {
  const std::string wanted = NormalizeServer(registry);
  if (auto ours = ReadJson(SpindleAuthFile())) {
    if (auto found = FromAuths(*ours, wanted)) return found;
  }
  const char* docker_config = std::getenv("DOCKER_CONFIG");
  const fs::path docker = docker_config && *docker_config ? fs::path(docker_config) / "config.json"
                                                          : Home() / ".docker" / "config.json";
  if (auto theirs = ReadJson(docker)) return FromAuths(*theirs, wanted);
  return std::nullopt;
}

Status StoreCredentials(const std::string& registry, const Credentials& credentials) {
  const fs::path path = SpindleAuthFile();
  json document = ReadJson(path).value_or(json::object());
  if (!document.contains("auths") || !document["auths"].is_object()) document["auths"] = json::object();
  document["auths"][NormalizeServer(registry)] = {
      {"auth", app::Base64Encode(credentials.username + ":" + credentials.password)}};
  std::error_code ignored;
  fs::create_directories(path.parent_path(), ignored);
  fs::permissions(path.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ignored);
  // The only strings are server names and base64; replace keeps dump()
  // from throwing on a server name that is not UTF-8.
  return WriteFileAtomically(path, document.dump(2, ' ', false, json::error_handler_t::replace) + "\n",
                             0600);
}

}  // namespace spindle::oci
