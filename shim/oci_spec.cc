#include "shim/oci_spec.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace spindle::shim {

namespace fs = std::filesystem;
using nlohmann::json;

bool OciSpec::IsSandbox() const {
  auto found = annotations.find("io.kubernetes.cri.container-type");
  return found != annotations.end() && found->second == "sandbox";
}

std::string OciSpec::Env(const std::string& key, const std::string& fallback) const {
  // The last definition wins, as for execve's environment lookups.
  std::string value = fallback;
  for (const std::string& entry : env) {
    if (entry.size() > key.size() && entry.compare(0, key.size(), key) == 0 &&
        entry[key.size()] == '=') {
      value = entry.substr(key.size() + 1);
    }
  }
  return value;
}

Result<OciSpec> ReadOciSpec(const fs::path& bundle) {
  const fs::path path = bundle / "config.json";
  std::ifstream in(path);
  if (!in) return MakeError(Phase::kIo, "cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  // nlohmann-json reports errors by exception; they stop here.
  try {
    const json spec = json::parse(text.str());
    OciSpec result;
    if (spec.contains("process")) {
      const json& process = spec["process"];
      if (process.contains("args")) result.args = process["args"].get<std::vector<std::string>>();
      if (process.contains("env")) result.env = process["env"].get<std::vector<std::string>>();
      result.cwd = process.value("cwd", "/");
    }
    fs::path root = "rootfs";
    if (spec.contains("root")) {
      root = spec["root"].value("path", "rootfs");
      result.root_readonly = spec["root"].value("readonly", false);
    }
    result.root = root.is_absolute() ? root : bundle / root;
    result.hostname = spec.value("hostname", "");
    if (spec.contains("linux") && spec["linux"].contains("namespaces")) {
      for (const json& entry : spec["linux"]["namespaces"]) {
        result.namespaces.push_back({entry.value("type", ""), entry.value("path", "")});
      }
    }
    if (spec.contains("annotations")) {
      result.annotations = spec["annotations"].get<std::map<std::string, std::string>>();
    }
    return result;
  } catch (const json::exception& error) {
    return MakeError(Phase::kUsage, path.string() + ": " + error.what());
  }
}

}  // namespace spindle::shim
