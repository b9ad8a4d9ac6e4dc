// Registry credentials: Spindle's own file, written by `spindle registry
// login` ($XDG_CONFIG_HOME/spindle/auth.json, else ~/.config/spindle/,
// mode 0600), then Docker's ~/.docker/config.json (or $DOCKER_CONFIG)
// `auths` entries. Both use Docker's shape: {"auths": {"<registry>":
// {"auth": base64("user:password")}}}. Credential helpers (credsStore,
// credHelpers) are not run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "engine/base/result.h"

namespace spindle::oci {

struct Credentials {
  std::string username;
  std::string password;
};

std::filesystem::path SpindleAuthFile();

// Spindle's file first, then Docker's; nullopt when neither has `registry`.
// A file that cannot be parsed is skipped (it is not ours to fix).
std::optional<Credentials> FindCredentials(const std::string& registry);

// Adds or replaces `registry` in Spindle's file (atomically, mode 0600).
Status StoreCredentials(const std::string& registry, const Credentials& credentials);

}  // namespace spindle::oci
