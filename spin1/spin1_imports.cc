#include "spin1/spin1_imports.h"

namespace spindle::spin1 {

Status AddSpin1Imports(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(AddKeyValueImports(linker, context_of));
  SPINDLE_TRY(AddConfigImports(linker, context_of));
  SPINDLE_TRY(AddOutboundHttpImports(linker, context_of));
  SPINDLE_TRY(AddOutboundRedisImports(linker, context_of));
  SPINDLE_TRY(AddSqliteImports(linker, context_of));
  SPINDLE_TRY(AddExperimentalHttpImports(linker, context_of));
  return Ok();
}

}  // namespace spindle::spin1
