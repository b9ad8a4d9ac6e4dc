#include "shim/flags.h"

#include <set>

namespace spindle::shim {
namespace {

// Go's flag package treats these as booleans: they never take the next word.
const std::set<std::string> kBooleanFlags = {"debug", "v", "version"};

}  // namespace

Result<ShimFlags> ParseFlags(const std::vector<std::string>& args) {
  ShimFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      if (!flags.action.empty()) {
        return MakeError(Phase::kUsage, "unexpected argument '" + arg + "' after '" +
                                            flags.action + "'");
      }
      flags.action = arg;
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string value;
    bool has_value = false;
    if (const size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
      has_value = true;
    }
    if (kBooleanFlags.count(name)) {
      const bool on = !has_value || value == "true" || value == "1";
      if (name == "debug") flags.debug = on;
      if (name == "v" || name == "version") flags.version = on;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return MakeError(Phase::kUsage, "flag -" + name + " needs a value");
      value = args[++i];
    }
    if (name == "namespace") {
      flags.namespace_name = value;
    } else if (name == "address") {
      flags.address = value;
    } else if (name == "publish-binary") {
      flags.publish_binary = value;
    } else if (name == "id") {
      flags.id = value;
    } else if (name == "bundle") {
      flags.bundle = value;
    }
  }
  return flags;
}

}  // namespace spindle::shim
