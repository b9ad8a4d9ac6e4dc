// `spin-config.get-config` (spin-compat.md §4.5): expected<string, error>
// in 16 bytes; every case of `error` carries a string.
#include "spin1/spin1_imports.h"

namespace spindle::spin1 {

Status AddConfigImports(Linker& linker, ContextOf context_of) {
  return linker.Func("spin-config", "get-config",
                     [context_of](Caller& caller, uint32_t key, uint32_t key_length,
                                   uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto name = call.String(key, key_length);
    if (!name) return;
    auto value = call.services().GetConfig(*name);
    ResultRecord record(16);
    if (value.ok()) {
      record.U32(4, call.Lower(*value));
      record.U32(8, static_cast<uint32_t>(value->size()));
      return call.Return(retptr, record, 12);
    }
    record.U8(0, 1);
    record.U8(4, static_cast<uint8_t>(value.error().kind));
    record.U32(8, call.Lower(value.error().message));
    record.U32(12, static_cast<uint32_t>(value.error().message.size()));
    call.Return(retptr, record, 16);
  });
}

}  // namespace spindle::spin1
