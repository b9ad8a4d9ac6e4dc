// `key-value` (spin-compat.md §4.5). Every result is expected<T, error>
// with the payload at +4: T is u32, list<u8>, unit or bool, and `error` is
// a variant whose `io` case carries a string at +8 of the record.
#include "services/key_value.h"
#include "spin1/spin1_imports.h"

namespace spindle::spin1 {
namespace {

constexpr size_t kRecordSize = 16;
constexpr uint8_t kIoCase = static_cast<uint8_t>(services::KvError::Kind::kIo);

void ReturnError(ImportCall& call, uint32_t retptr, const services::KvError& error) {
  ResultRecord record(kRecordSize);
  record.U8(0, 1);
  record.U8(4, static_cast<uint8_t>(error.kind));
  if (error.kind == services::KvError::Kind::kIo) {
    record.U32(8, call.Lower(error.message));
    record.U32(12, static_cast<uint32_t>(error.message.size()));
  }
  call.Return(retptr, record, error.kind == services::KvError::Kind::kIo ? 16 : 5);
}

// Writes `result`: `write_ok` fills the ok payload and returns its end.
template <typename T, typename WriteOk>
void ReturnResult(ImportCall& call, uint32_t retptr,
                  const services::Expected<T, services::KvError>& result, WriteOk write_ok) {
  if (!result.ok()) return ReturnError(call, retptr, result.error());
  ResultRecord record(kRecordSize);
  const size_t end = write_ok(record);
  call.Return(retptr, record, end);
}

}  // namespace

Status AddKeyValueImports(Linker& linker, ContextOf context_of) {
  static_assert(kIoCase == 5, "the io case is the sixth of key-value's error variant");
  SPINDLE_TRY(linker.Func("key-value", "open",
                          [context_of](Caller& caller, uint32_t name, uint32_t name_length,
                                        uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto label = call.String(name, name_length);
    if (!label) return;
    auto handle = call.services().key_value().Open(*label);
    ReturnResult(call, retptr, handle, [&](ResultRecord& record) {
      record.U32(4, *handle);
      return size_t{8};
    });
  }));
  SPINDLE_TRY(linker.Func("key-value", "get",
                          [context_of](Caller& caller, uint32_t store, uint32_t key,
                                        uint32_t key_length, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto name = call.String(key, key_length);
    if (!name) return;
    auto value = call.services().key_value().Get(store, *name);
    ReturnResult(call, retptr, value, [&](ResultRecord& record) {
      record.U32(4, call.Lower(AsText(*value)));
      record.U32(8, static_cast<uint32_t>(value->size()));
      return size_t{12};
    });
  }));
  SPINDLE_TRY(linker.Func("key-value", "set",
                          [context_of](Caller& caller, uint32_t store, uint32_t key,
                                        uint32_t key_length, uint32_t value,
                                        uint32_t value_length, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto name = call.String(key, key_length);
    auto bytes = call.Bytes(value, value_length);
    if (!name || !bytes) return;
    auto done = call.services().key_value().Set(store, *name, *bytes);
    ReturnResult(call, retptr, done, [](ResultRecord&) { return size_t{1}; });
  }));
  SPINDLE_TRY(linker.Func("key-value", "delete",
                          [context_of](Caller& caller, uint32_t store, uint32_t key,
                                        uint32_t key_length, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto name = call.String(key, key_length);
    if (!name) return;
    auto done = call.services().key_value().Delete(store, *name);
    ReturnResult(call, retptr, done, [](ResultRecord&) { return size_t{1}; });
  }));
  SPINDLE_TRY(linker.Func("key-value", "exists",
                          [context_of](Caller& caller, uint32_t store, uint32_t key,
                                        uint32_t key_length, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto name = call.String(key, key_length);
    if (!name) return;
    auto exists = call.services().key_value().Exists(store, *name);
    ReturnResult(call, retptr, exists, [&](ResultRecord& record) {
      record.U8(4, *exists ? 1 : 0);
      return size_t{5};
    });
  }));
  SPINDLE_TRY(linker.Func("key-value", "get-keys",
                          [context_of](Caller& caller, uint32_t store, uint32_t retptr) {
    ImportCall call(caller, context_of);
    if (!call.ok()) return;
    auto keys = call.services().key_value().GetKeys(store);
    ReturnResult(call, retptr, keys, [&](ResultRecord& record) {
      record.U32(4, call.LowerStringList(*keys));
      record.U32(8, static_cast<uint32_t>(keys->size()));
      return size_t{12};
    });
  }));
  return linker.Func("key-value", "close", [context_of](Caller& caller, uint32_t store) {
    ImportCall call(caller, context_of);
    if (call.ok()) call.services().key_value().Close(store);
  });
}

}  // namespace spindle::spin1
