#include "cli/build_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

#include "app/manifest.h"
#include "oci/image_builder.h"

namespace spindle::cli {
namespace {

struct BuildOptions {
  std::string from = "spin.toml";
  std::string image;
  std::string name;
  std::string format = "scratch";
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "spindle build: error: %s\n", message.c_str());
  return 1;
}

// `/bin/sh -c command` in `workdir`; the child's exit status, or -1.
int RunShell(const std::string& command, const std::string& workdir) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (chdir(workdir.c_str()) != 0) _exit(127);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int RunBuildCommands(const app::App& app) {
  bool any = false;
  for (const app::Component& component : app.components) {
    if (!component.build || component.build->command.empty()) continue;
    any = true;
    const std::string workdir =
        component.build->workdir.empty() ? app.root.string() : component.build->workdir.string();
    for (const std::string& command : component.build->command) {
      std::printf("Building component %s with `%s`\n", component.id.c_str(), command.c_str());
      const int status = RunShell(command, workdir);
      if (status != 0) {
        return Fail(component.where.ToString() + ": build command for component '" +
                    component.id + "' failed with status " + std::to_string(status) + ": " +
                    command);
      }
    }
  }
  std::printf(any ? "Finished building all Spin components\n"
                  : "None of the components have a build command.\n");
  return 0;
}

int Build(const BuildOptions& options) {
  auto app = app::LoadManifest(options.from);
  if (!app.ok()) return Fail(app.error().ToString());
  if (options.image.empty()) return RunBuildCommands(*app);
  oci::ImageOptions image_options;
  image_options.name = options.name;
  image_options.format = options.format == "spin"     ? oci::ImageFormat::kSpinArtifact
                         : options.format == "locked" ? oci::ImageFormat::kLockedApp
                                                      : oci::ImageFormat::kScratch;
  auto image = oci::WriteAppImage(*app, image_options, options.image);
  if (!image.ok()) return Fail(image.error().ToString());
  std::printf("Wrote %s: %s, %zu %s, manifest %s\n", options.image.c_str(), image->name.c_str(),
              image->file_count, options.format == "spin" ? "layers" : "files",
              image->manifest_digest.c_str());
  return 0;
}

}  // namespace

void RegisterBuildCommand(CLI::App& app) {
  auto options = std::make_shared<BuildOptions>();
  CLI::App* build = app.add_subcommand(
      "build", "Run the components' build commands, or pack the app as an OCI image (--image)");
  build->add_option("-f,--from,--file", options->from,
                    "The manifest, or a directory that holds spin.toml (default: spin.toml)");
  build->add_option("--image", options->image,
                    "Write a FROM-scratch OCI image-layout tar here instead of building");
  build->add_option("--name", options->name,
                    "Image name for --image (default docker.io/library/<app>:<version>)");
  build->add_option("--format", options->format,
                    "--image layout: scratch (spin.toml and files in one tar layer; default), "
                    "locked (spin.json and sha256/ content in one tar layer) or spin (Spin's "
                    "registry artifact layers)")
      ->check(CLI::IsMember({"scratch", "locked", "spin"}));
  build->callback([options] { std::exit(Build(*options)); });
}

}  // namespace spindle::cli
