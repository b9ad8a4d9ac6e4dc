// Standard base64 (RFC 4648 §4, with padding), as serde's base64 in Spin's
// locked app writes the `inline` content of small files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spindle::app {

std::string Base64Encode(std::string_view bytes);
// nullopt for characters outside the alphabet or bad padding.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace spindle::app
