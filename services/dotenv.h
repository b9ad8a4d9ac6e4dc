// Private to services/: reading `.env` files for the env variables provider.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "engine/base/result.h"

namespace spindle::services {

// Parses the dotenv format as Spin's dotenv reader accepts it for simple
// files: `KEY=VALUE` lines, optional `export `, `#` comments, blank lines,
// values optionally in single quotes (literal) or double quotes (with \n,
// \t, \" and \\ escapes); an unquoted value ends at " #". A malformed line
// is an error naming the file and line (never the value).
Result<std::map<std::string, std::string>> ParseDotenv(std::string_view text,
                                                       const std::string& file);

// Reads and parses `path`. A missing file gives an empty map when
// `missing_ok`, else an error.
Result<std::map<std::string, std::string>> ReadDotenv(const std::filesystem::path& path,
                                                      bool missing_ok);

}  // namespace spindle::services
