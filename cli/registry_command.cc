#include "cli/registry_command.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "app/manifest.h"
#include "oci/credentials.h"
#include "oci/progress.h"
#include "oci/pull.h"
#include "oci/push.h"
#include "oci/reference.h"

namespace spindle::cli {
namespace {

struct RegistryOptions {
  std::string reference;
  std::string from = "spin.toml";
  bool insecure = false;
  // login
  std::string server;
  std::string username;
  std::string password;
  bool password_stdin = false;
};

int Fail(const char* command, const std::string& message) {
  std::fprintf(stderr, "spindle registry %s: error: %s\n", command, message.c_str());
  return 1;
}

int Push(const RegistryOptions& options) {
  auto reference = oci::ParseReference(options.reference);
  if (!reference.ok()) return Fail("push", reference.error().ToString());
  if (!reference->digest.empty()) {
    return Fail("push", options.reference + ": push to a tag, not a digest (the digest is the result)");
  }
  auto app = app::LoadManifest(options.from);
  if (!app.ok()) return Fail("push", app.error().ToString());
  oci::RegistryOptions registry;
  registry.insecure = options.insecure;
  auto pushed = oci::PushApp(*app, *reference, registry);
  if (!pushed.ok()) return Fail("push", pushed.error().ToString());
  std::printf("Pushed %s with digest %s (%zu layers, %s)\n", reference->ToString().c_str(),
              pushed->manifest_digest.c_str(), pushed->layers, oci::HumanBytes(pushed->bytes).c_str());
  return 0;
}

int Pull(const RegistryOptions& options) {
  auto reference = oci::ParseReference(options.reference);
  if (!reference.ok()) return Fail("pull", reference.error().ToString());
  oci::PullOptions pull;
  pull.registry.insecure = options.insecure;
  pull.warn = [](const std::string& message) {
    std::fprintf(stderr, "spindle registry pull: warning: %s\n", message.c_str());
  };
  auto pulled = oci::PullApp(*reference, pull);
  if (!pulled.ok()) return Fail("pull", pulled.error().ToString());
  std::printf("Pulled %s with digest %s (%zu blobs, %s downloaded) into %s\n",
              reference->ToString().c_str(), pulled->manifest_digest.c_str(), pulled->blobs,
              oci::HumanBytes(pulled->bytes_downloaded).c_str(), pulled->manifest_dir.c_str());
  return 0;
}

int Login(RegistryOptions options) {
  if (options.password_stdin == !options.password.empty()) {
    return Fail("login", "give the password with exactly one of --password-stdin or -p");
  }
  if (options.password_stdin) {
    if (!std::getline(std::cin, options.password)) {
      return Fail("login", "no password on standard input");
    }
    if (!options.password.empty() && options.password.back() == '\r') options.password.pop_back();
  }
  std::string server = options.server;
  if (auto parsed = oci::ParseReference(server + "/x"); parsed.ok()) server = parsed->registry;
  const Status stored = oci::StoreCredentials(server, {options.username, options.password});
  if (!stored.ok()) return Fail("login", stored.error().ToString());
  std::printf("Stored credentials for %s in %s\n", server.c_str(), oci::SpindleAuthFile().c_str());
  return 0;
}

}  // namespace

void RegisterRegistryCommand(CLI::App& app) {
  auto options = std::make_shared<RegistryOptions>();
  CLI::App* registry = app.add_subcommand("registry", "Push and pull Spin apps to and from OCI registries");
  registry->require_subcommand(1);

  CLI::App* push = registry->add_subcommand("push", "Push the app as a Spin OCI artifact");
  push->add_option("reference", options->reference, "Where to push, e.g. ghcr.io/org/app:1.0")->required();
  push->add_option("-f,--from,--file", options->from,
                   "The manifest, or a directory that holds spin.toml (default: spin.toml)");
  push->add_flag("-k,--insecure", options->insecure, "Allow plain HTTP to a non-loopback registry");
  push->callback([options] { std::exit(Push(*options)); });

  CLI::App* pull = registry->add_subcommand("pull", "Pull a Spin app into the local cache");
  pull->add_option("reference", options->reference, "What to pull, e.g. ghcr.io/org/app:1.0")->required();
  pull->add_flag("-k,--insecure", options->insecure, "Allow plain HTTP to a non-loopback registry");
  pull->callback([options] { std::exit(Pull(*options)); });

  CLI::App* login = registry->add_subcommand("login", "Store credentials for a registry");
  login->add_option("server", options->server, "The registry, e.g. ghcr.io or localhost:5000")->required();
  login->add_option("-u,--username", options->username, "User name")->required();
  login->add_option("-p,--password", options->password, "Password (prefer --password-stdin)");
  login->add_flag("--password-stdin", options->password_stdin, "Read the password from standard input");
  login->callback([options] { std::exit(Login(*options)); });
}

}  // namespace spindle::cli
