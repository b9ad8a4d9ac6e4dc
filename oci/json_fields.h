// Non-throwing field reads for JSON that comes from registries.
// nlohmann's value() throws when a key holds another type (or the value is
// not an object); these return a default instead, so hostile input can never
// end in an uncaught exception.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace spindle::oci {

// `object[key]` if `object` is an object holding a string there, else "".
inline std::string StringField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace spindle::oci
