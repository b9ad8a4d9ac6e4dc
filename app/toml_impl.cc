// The one translation unit that compiles toml++'s implementation; every other
// file of app/ includes it declarations-only (TOML_HEADER_ONLY=0).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
