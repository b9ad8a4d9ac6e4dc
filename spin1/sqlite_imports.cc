// `sqlite` (spin-compat.md §4.5). `value` is 16 bytes (case at +0, payload
// at +8); query-result is {columns: list<string>, rows: list<row-result>}
// and row-result is {values: list<value>}. Errors are a variant at +4 whose
// `io` case carries a string.
#include <cstring>

#include "services/sqlite_database.h"
#include "spin1/spin1_imports.h"

namespace spindle::spin1 {
namespace {

constexpr uint32_t kValueSize = 16;
constexpr uint32_t kRowSize = 8;

void ReturnError(ImportCall& call, uint32_t retptr, const services::SqliteError& error) {
  ResultRecord record(16);
  record.U8(0, 1);
  record.U8(4, static_cast<uint8_t>(error.kind));
  const bool io = error.kind == services::SqliteError::Kind::kIo;
  if (io) {
    record.U32(8, call.Lower(error.message));
    record.U32(12, static_cast<uint32_t>(error.message.size()));
  }
  call.Return(retptr, record, io ? 16 : 5);
}

std::optional<std::vector<services::SqlValue>> ReadValues(ImportCall& call, uint32_t pointer,
                                                          uint32_t count) {
  auto records = call.Records(pointer, count, kValueSize);
  if (!records) return std::nullopt;
  std::vector<services::SqlValue> values;
  values.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const auto* record = reinterpret_cast<const uint8_t*>(records->data()) + size_t{i} * kValueSize;
    switch (record[0]) {
      case 0: {
        int64_t integer;
        std::memcpy(&integer, record + 8, 8);
        values.emplace_back(integer);
        break;
      }
      case 1: {
        double real;
        std::memcpy(&real, record + 8, 8);
        values.emplace_back(real);
        break;
      }
      case 2: {
        auto text = call.String(Load32(record + 8), Load32(record + 12));
        if (!text) return std::nullopt;
        values.emplace_back(std::move(*text));
        break;
      }
      case 3: {
        auto blob = call.Bytes(Load32(record + 8), Load32(record + 12));
        if (!blob) return std::nullopt;
        values.emplace_back(std::move(*blob));
        break;
      }
      case 4:
        values.emplace_back(services::SqlNull{});
        break;
      default:
        call.Trap("invalid sqlite value case " + std::to_string(record[0]));
        return std::nullopt;
    }
  }
  return values;
}

uint32_t LowerValues(ImportCall& call, const std::vector<services::SqlValue>& values) {
  std::string records(values.size() * kValueSize, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t at = i * kValueSize;
    const services::SqlValue& value = values[i];
    records[at] = static_cast<char>(value.index());
    if (const auto* integer = std::get_if<int64_t>(&value)) {
      Put64(records, at + 8, static_cast<uint64_t>(*integer));
    } else if (const auto* real = std::get_if<double>(&value)) {
      uint64_t bits;
      std::memcpy(&bits, real, 8);
      Put64(records, at + 8, bits);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      Put32(records, at + 8, call.Lower(*text));
      Put32(records, at + 12, static_cast<uint32_t>(text->size()));
    } else if (const auto* blob = std::get_if<std::vector<uint8_t>>(&value)) {
      Put32(records, at + 8, call.Lower(AsText(*blob)));
      Put32(records, at + 12, static_cast<uint32_t>(blob->size()));
    }
  }
  return call.Lower(records, 8);
}

uint32_t LowerRows(ImportCall& call, const std::vector<services::RowResult>& rows) {
  std::string records(rows.size() * kRowSize, '\0');
  for (size_t i = 0; i < rows.size(); ++i) {
    Put32(records, i * kRowSize, LowerValues(call, rows[i].values));
    Put32(records, i * kRowSize + 4, static_cast<uint32_t>(rows[i].values.size()));
  }
  return call.Lower(records, 4);
}

}  // namespace

Status AddSqliteImports(Linker& linker, ContextOf context_of) {
  SPINDLE_TRY(linker.Func("sqlite", "open",
                          [context_of](Caller& caller, uint32_t name, uint32_t name_length,
                                        uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto label = call.String(name, name_length);
    if (!label) return;
    auto connection = call.services().sqlite().Open(*label);
    if (!connection.ok()) return ReturnError(call, retptr, connection.error());
    ResultRecord record(8);
    record.U32(4, *connection);
    call.Return(retptr, record, 8);
  }));
  SPINDLE_TRY(linker.Func("sqlite", "execute",
                          [context_of](Caller& caller, uint32_t connection, uint32_t statement,
                                        uint32_t statement_length, uint32_t parameters,
                                        uint32_t parameter_count, uint32_t retptr) {
    ImportCall call(caller, context_of);
    auto sql = call.String(statement, statement_length);
    auto values = ReadValues(call, parameters, parameter_count);
    if (!sql || !values) return;
    auto result = call.services().sqlite().Execute(connection, *sql, *values);
    if (!result.ok()) return ReturnError(call, retptr, result.error());
    ResultRecord record(20);
    record.U32(4, call.LowerStringList(result->columns));
    record.U32(8, static_cast<uint32_t>(result->columns.size()));
    record.U32(12, LowerRows(call, result->rows));
    record.U32(16, static_cast<uint32_t>(result->rows.size()));
    call.Return(retptr, record, 20);
  }));
  return linker.Func("sqlite", "close", [context_of](Caller& caller, uint32_t connection) {
    ImportCall call(caller, context_of);
    if (call.ok()) call.services().sqlite().Close(connection);
  });
}

}  // namespace spindle::spin1
