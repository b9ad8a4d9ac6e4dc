#include "spin1/spin1_imports.h"

namespace spindle::spin1 {

Status AddSpin1Imports(Linker& linker, ServicesOf services_of) {
  SPINDLE_TRY(AddKeyValueImports(linker, services_of));
  SPINDLE_TRY(AddConfigImports(linker, services_of));
  SPINDLE_TRY(AddOutboundHttpImports(linker, services_of));
  SPINDLE_TRY(AddOutboundRedisImports(linker, services_of));
  SPINDLE_TRY(AddSqliteImports(linker, services_of));
  return Ok();
}

}  // namespace spindle::spin1
