// Helpers shared by the unit tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/embed/call.h"
#include "engine/embed/linker.h"

namespace spindle::testing {

std::string FixturePath(const std::string& name);  // "traps" -> .../traps.wasm

std::shared_ptr<CompiledModule> LoadFixture(Engine& engine, const std::string& name);

// A module header followed by `sections` (raw bytes).
std::vector<uint8_t> ModuleBytes(std::initializer_list<uint8_t> sections);

// Calls export `name` of `instance`.
Result<std::vector<Value>> CallExport(Store& store, Instance* instance, const std::string& name,
                                      std::vector<Value> args = {});

// Defines host.reenter for the "reenter" fixture: it calls the export
// "down" of `*instance` again with its argument, records the deepest depth
// in `*deepest`, and passes a trap of that call on as its own.
Status LinkReenter(Linker& linker, Instance* const* instance, int* deepest);

}  // namespace spindle::testing
