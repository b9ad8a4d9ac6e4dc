// Outbound network permissions in the manifest (spin-compat.md §1.5, §1.6):
// the deprecated `allowed_http_hosts` form and its conversion, and the
// `allowed_outbound_hosts` grammar `scheme://host[:port]`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace spindle::app {

// The port a scheme implies when an entry or URL gives none: postgres 5432,
// mysql 3306, redis 6379, mqtt 1883, http 80, https 443; nullopt otherwise.
std::optional<uint16_t> WellKnownPort(std::string_view scheme);

// Converts a component's `allowed_http_hosts` list to `allowed_outbound_hosts`
// entries: "insecure:allow-all" anywhere gives http://*:*, https://*:* and
// http://self; "self" gives http://self; "host[:port]" and
// "http(s)://host[:port]" give both http:// and https:// entries. Hosts are
// lower-cased and a port equal to the scheme's default is dropped, as the
// URL parser Spin uses does. On error, `bad_index` is the offending entry and
// the message is the reason alone.
Result<std::vector<std::string>> ConvertAllowedHttpHosts(const std::vector<std::string>& hosts,
                                                         size_t* bad_index);

// The entries Spin 1 granted every component before `allowed_outbound_hosts`
// existed; added for a v1 component that has no such key.
std::vector<std::string> LegacyDatabaseHosts();

// Checks one literal (template-free) `allowed_outbound_hosts` entry against
// the grammar: scheme `*` or letters; host `*`, `self`, a CIDR, `*.domain` or
// a name; port omitted (only for schemes with a well-known port), `*`, `N`
// or `A..B`; no path. The message is the reason alone.
Status ValidateOutboundHost(std::string_view entry);

}  // namespace spindle::app
