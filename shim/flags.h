// The shim's command line as containerd writes it: Go `flag` style
// (single dash, "-name value" or "-name=value"), then one action word.
//   containerd-shim-spindle-v2 -namespace default -address /run/c.sock
//       -publish-binary /usr/bin/containerd -id t1 [-debug] start
//   ... -id t1 -bundle /state/.../t1 delete
// Unknown flags are accepted and ignored, so newer containerds still work.
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"

namespace spindle::shim {

struct ShimFlags {
  std::string namespace_name = "default";
  std::string address;         // containerd's gRPC socket
  std::string publish_binary;
  std::string id;
  std::string bundle;          // empty: the working directory
  bool debug = false;
  bool version = false;
  std::string action;          // start | delete | (internal) task
};

Result<ShimFlags> ParseFlags(const std::vector<std::string>& args);

}  // namespace spindle::shim
