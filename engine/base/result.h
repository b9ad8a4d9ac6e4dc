// Error values for the engine. Nothing inside engine/ throws: every fallible
// call returns Result<T> (a value or an Error), checked with SPINDLE_TRY.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace spindle {

// Which stage of loading or running produced an error. The spec runner uses
// the phase to tell "malformed" from "invalid" from "unlinkable".
enum class Phase : uint8_t {
  kDecode,       // the bytes are not a well-formed binary module
  kValidate,     // well-formed, but breaks a typing or structural rule
  kLink,         // an import cannot be satisfied
  kInstantiate,  // a segment or start function failed while instantiating
  kRuntime,      // a trap or a host error while running
  kIo,           // reading a file failed
  kUsage,        // the embedder asked for something impossible
};

const char* PhaseName(Phase phase);

// An error with enough context to point a user at the cause: the byte offset
// in the module (or -1) and, for code, the function index (or -1).
struct Error {
  Phase phase = Phase::kUsage;
  std::string message;
  int64_t offset = -1;
  int64_t function_index = -1;
  std::string source;  // file or module name the error is about, if known
  // Runtime traps: the TrapKind as a number, the exit status for a guest
  // exit, and the wasm backtrace (innermost frame first).
  int32_t trap_code = 0;
  int32_t exit_code = 0;
  std::vector<std::string> backtrace;

  // "app.wasm: offset 0x1a: function 3: type mismatch" style rendering.
  std::string ToString() const;
};

Error MakeError(Phase phase, std::string message, int64_t offset = -1,
                int64_t function_index = -1);

// A minimal std::expected stand-in (C++20 has none).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace spindle

#define SPINDLE_CONCAT_INNER(a, b) a##b
#define SPINDLE_CONCAT(a, b) SPINDLE_CONCAT_INNER(a, b)

// Returns the error of a failed Status/Result from the enclosing function.
#define SPINDLE_TRY(expr)                                  \
  do {                                                     \
    auto&& spindle_try_result = (expr);                    \
    if (!spindle_try_result.ok())                          \
      return std::move(spindle_try_result).error();        \
  } while (0)

// Declares `lhs` from a Result<T>, returning its error on failure.
#define SPINDLE_ASSIGN_OR_RETURN(lhs, expr)                                   \
  auto SPINDLE_CONCAT(spindle_result_, __LINE__) = (expr);                    \
  if (!SPINDLE_CONCAT(spindle_result_, __LINE__).ok())                        \
    return std::move(SPINDLE_CONCAT(spindle_result_, __LINE__)).error();      \
  lhs = std::move(SPINDLE_CONCAT(spindle_result_, __LINE__)).value()
