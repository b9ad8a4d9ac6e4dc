// `outbound-redis` (spin-compat.md §4.5). `error` is a one-byte enum, so an
// error's position is the ok payload's alignment: +1 after unit, +4 after a
// list, +8 after an s64.
#include "services/outbound_redis.h"
#include "spin1/spin1_imports.h"

namespace spindle::spin1 {
namespace {

constexpr uint32_t kVariantRecordSize = 16;  // redis-parameter, redis-result: tag, payload at +8

template <typename T>
bool ReturnedError(ImportCall& call, uint32_t retptr,
                   const services::Expected<T, services::RedisError>& result, size_t offset) {
  if (result.ok()) return false;
  ResultRecord record(16);
  record.U8(0, 1);
  record.U8(offset, static_cast<uint8_t>(result.error()));
  call.Return(retptr, record, offset + 1);
  return true;
}

void ReturnUnit(ImportCall& call, uint32_t retptr,
                const services::Expected<void, services::RedisError>& result) {
  if (ReturnedError(call, retptr, result, 1)) return;
  call.Return(retptr, ResultRecord(1), 1);
}

void ReturnCount(ImportCall& call, uint32_t retptr,
                 const services::Expected<int64_t, services::RedisError>& result) {
  if (ReturnedError(call, retptr, result, 8)) return;
  ResultRecord record(16);
  record.U64(8, static_cast<uint64_t>(*result));
  call.Return(retptr, record, 16);
}

void ReturnList(ImportCall& call, uint32_t retptr, uint32_t pointer, size_t count) {
  ResultRecord record(12);
  record.U32(4, pointer);
  record.U32(8, static_cast<uint32_t>(count));
  call.Return(retptr, record, 12);
}

// Lowers list<redis-result>.
uint32_t LowerResults(ImportCall& call, const std::vector<services::RedisResult>& results) {
  std::string records(results.size() * kVariantRecordSize, '\0');
  for (size_t i = 0; i < results.size(); ++i) {
    const size_t at = i * kVariantRecordSize;
    const services::RedisResult& result = results[i];
    records[at] = static_cast<char>(result.index());
    if (const auto* status = std::get_if<std::string>(&result)) {
      Put32(records, at + 8, call.Lower(*status));
      Put32(records, at + 12, static_cast<uint32_t>(status->size()));
    } else if (const auto* number = std::get_if<int64_t>(&result)) {
      Put64(records, at + 8, static_cast<uint64_t>(*number));
    } else if (const auto* binary = std::get_if<std::vector<uint8_t>>(&result)) {
      Put32(records, at + 8, call.Lower(AsText(*binary)));
      Put32(records, at + 12, static_cast<uint32_t>(binary->size()));
    }
  }
  return call.Lower(records, 8);
}

// Reads list<redis-parameter>.
std::optional<std::vector<services::RedisParameter>> ReadParameters(ImportCall& call,
                                                                     uint32_t pointer,
                                                                     uint32_t count) {
  auto records = call.Records(pointer, count, kVariantRecordSize);
  if (!records) return std::nullopt;
  std::vector<services::RedisParameter> parameters;
  for (uint32_t i = 0; i < count; ++i) {
    const auto* record =
        reinterpret_cast<const uint8_t*>(records->data()) + size_t{i} * kVariantRecordSize;
    if (record[0] == 0) {
      int64_t number;
      std::memcpy(&number, record + 8, 8);
      parameters.emplace_back(number);
    } else if (record[0] == 1) {
      auto bytes = call.Bytes(Load32(record + 8), Load32(record + 12));
      if (!bytes) return std::nullopt;
      parameters.emplace_back(std::move(*bytes));
    } else {
      call.Trap("invalid redis-parameter case " + std::to_string(record[0]));
      return std::nullopt;
    }
  }
  return parameters;
}

}  // namespace

Status AddOutboundRedisImports(Linker& linker, ContextOf context_of) {
  constexpr char kModule[] = "outbound-redis";
  // publish(address, channel, payload) and set(address, key, value) share
  // one shape: two strings and bytes in, unit out.
  for (const char* name : {"publish", "set"}) {
    const bool publish = std::string_view(name) == "publish";
    SPINDLE_TRY(linker.Func(kModule, name,
                            [context_of, publish](Caller& caller, uint32_t address,
                                                  uint32_t address_length, uint32_t target,
                                                  uint32_t target_length, uint32_t payload,
                                                  uint32_t payload_length, uint32_t retptr) {
      ImportCall call(caller, context_of);
      auto where = call.String(address, address_length);
      auto channel_or_key = call.String(target, target_length);
      auto bytes = call.Bytes(payload, payload_length);
      if (!where || !channel_or_key || !bytes) return;
      auto& s = call.services();
      auto& redis = s.redis();
      ReturnUnit(call, retptr,
                 publish ? redis.Publish(s.outbound_hosts(), *where, *channel_or_key, *bytes,
                                         call.component())
                         : redis.Set(s.outbound_hosts(), *where, *channel_or_key, *bytes,
                                     call.component()));
    }));
  }
  SPINDLE_TRY(linker.Func(kModule, "get",
                          [context_of](Caller& caller, uint32_t address, uint32_t address_length,
                                        uint32_t key, uint32_t key_length, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto where = call.String(address, address_length);
    auto name = call.String(key, key_length);
    if (!where || !name) return;
    auto& s = call.services();
    auto value = s.redis().Get(s.outbound_hosts(), *where, *name, call.component());
    if (ReturnedError(call, retptr, value, 4)) return;
    ReturnList(call, retptr, call.Lower(AsText(*value)), value->size());
  }));
  SPINDLE_TRY(linker.Func(kModule, "incr",
                          [context_of](Caller& caller, uint32_t address, uint32_t address_length,
                                        uint32_t key, uint32_t key_length, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto where = call.String(address, address_length);
    auto name = call.String(key, key_length);
    if (!where || !name) return;
    auto& s = call.services();
    ReturnCount(call, retptr, s.redis().Incr(s.outbound_hosts(), *where, *name, call.component()));
  }));
  SPINDLE_TRY(linker.Func(kModule, "del",
                          [context_of](Caller& caller, uint32_t address, uint32_t address_length,
                                        uint32_t keys, uint32_t key_count, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto where = call.String(address, address_length);
    auto names = call.StringList(keys, key_count);
    if (!where || !names) return;
    auto& s = call.services();
    ReturnCount(call, retptr, s.redis().Del(s.outbound_hosts(), *where, *names, call.component()));
  }));
  for (const char* name : {"sadd", "srem"}) {
    const bool add = std::string_view(name) == "sadd";
    SPINDLE_TRY(linker.Func(kModule, name,
                            [context_of, add](Caller& caller, uint32_t address,
                                               uint32_t address_length, uint32_t key,
                                               uint32_t key_length, uint32_t values,
                                               uint32_t value_count, uint32_t retptr) {
      ImportCall call(caller, context_of);
      auto where = call.String(address, address_length);
      auto set = call.String(key, key_length);
      auto members = call.StringList(values, value_count);
      if (!where || !set || !members) return;
      auto& s = call.services();
      auto& redis = s.redis();
      ReturnCount(call, retptr,
                  add ? redis.Sadd(s.outbound_hosts(), *where, *set, *members, call.component())
                      : redis.Srem(s.outbound_hosts(), *where, *set, *members, call.component()));
    }));
  }
  SPINDLE_TRY(linker.Func(kModule, "smembers",
                          [context_of](Caller& caller, uint32_t address, uint32_t address_length,
                                        uint32_t key, uint32_t key_length, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto where = call.String(address, address_length);
    auto set = call.String(key, key_length);
    if (!where || !set) return;
    auto& s = call.services();
    auto members = s.redis().Smembers(s.outbound_hosts(), *where, *set, call.component());
    if (ReturnedError(call, retptr, members, 4)) return;
    ReturnList(call, retptr, call.LowerStringList(*members), members->size());
  }));
  return linker.Func(kModule, "execute",
                     [context_of](Caller& caller, uint32_t address, uint32_t address_length,
                                   uint32_t command, uint32_t command_length, uint32_t arguments,
                                   uint32_t argument_count, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto where = call.String(address, address_length);
    auto verb = call.String(command, command_length);
    auto parameters = ReadParameters(call, arguments, argument_count);
    if (!where || !verb || !parameters) return;
    auto& s = call.services();
    auto results =
        s.redis().Execute(s.outbound_hosts(), *where, *verb, *parameters, call.component());
    if (ReturnedError(call, retptr, results, 4)) return;
    ReturnList(call, retptr, LowerResults(call, *results), results->size());
  });
}

}  // namespace spindle::spin1
