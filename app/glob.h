// Glob patterns for `files` and `exclude_files` (spin-compat.md §1.7), with
// the semantics of the Rust `glob` crate Spin uses:
//   *      any run of characters      ?      one character
//   [abc]  [a-z]  [!abc]  one character in (or not in) the set; a ']' right
//          after '[' or '[!' is literal
//   **     as a whole path segment: any number of segments (zero included)
// There is no escape character. Matching is case-sensitive and dot files are
// not special.
#pragma once

#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace spindle::app {

// True if `text` has a glob metacharacter (`*`, `?`, `[` or `]`).
bool LooksLikeGlob(std::string_view text);

// Checks the pattern's syntax: closed character classes, and `**` only as a
// whole segment. The error's message is the reason alone.
Status ValidateGlob(std::string_view pattern);

// How `*`, `?` and classes treat '/':
//  kPath: never match it, so a pattern matches segment by segment (how
//         Spin enumerates `files` globs).
//  kText: match it like any other character (how Spin matches
//         `exclude_files`: "static/secret/*" also excludes
//         "static/secret/a/b.txt").
enum class GlobSlash { kPath, kText };

// Matches a '/'-separated relative path against a pattern that passed
// ValidateGlob (an invalid pattern never matches).
bool GlobMatch(std::string_view pattern, std::string_view path, GlobSlash slash);

}  // namespace spindle::app
