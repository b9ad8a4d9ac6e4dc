// A value or a service error, for the host APIs whose errors are WIT
// variants (key-value `error`, sqlite `error`, `http-error`, ...). Unlike
// spindle::Result, the error type is the guest-visible enum or variant, so a
// binding maps it 1:1 without parsing messages.
#pragma once

#include <utility>
#include <variant>

namespace spindle::services {

template <typename E>
struct Unexpected {
  E error;
};

// Wraps an error so `return Fail(KvError::NoSuchKey());` converts to any
// Expected<T, KvError>.
template <typename E>
Unexpected<E> Fail(E error) {
  return Unexpected<E>{std::move(error)};
}

template <typename T, typename E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Expected(Unexpected<E> error)                                            // NOLINT
      : state_(std::in_place_index<1>, std::move(error.error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const& { return std::get<1>(state_); }
  E&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, E> state_;
};

template <typename E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  Expected(Unexpected<E> error) : error_(std::move(error.error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_{};
  bool ok_ = true;
};

}  // namespace spindle::services
