// Adapts typed C++ callables to the host calling convention, deriving the
// wasm signature from the C++ one:
//
//   auto add = WrapFunction(engine, "add", [](int32_t a, int32_t b) { return a + b; });
//   auto log = WrapFunction(engine, "log", [](Caller& caller, uint32_t ptr, uint32_t len) {...});
//
// Parameter and result types: int32_t/uint32_t (i32), int64_t/uint64_t (i64),
// float (f32), double (f64), FuncRef (funcref), ExternRef (externref). A
// result may be void, one of those, or a std::tuple of them. A leading
// `Caller&` parameter gives access to the caller's memory and lets the
// function trap. The Linker checks the derived type against the import.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "engine/rt/engine.h"
#include "engine/rt/function.h"
#include "engine/rt/native_abi.h"

namespace spindle {

struct ExternRef {
  uint64_t token = 0;  // 0 is null
};
struct FuncRef {
  Function* function = nullptr;
};

namespace host_detail {

template <typename T>
struct WasmType;
template <> struct WasmType<int32_t> { static constexpr ValType kType = ValType::kI32; };
template <> struct WasmType<uint32_t> { static constexpr ValType kType = ValType::kI32; };
template <> struct WasmType<int64_t> { static constexpr ValType kType = ValType::kI64; };
template <> struct WasmType<uint64_t> { static constexpr ValType kType = ValType::kI64; };
template <> struct WasmType<float> { static constexpr ValType kType = ValType::kF32; };
template <> struct WasmType<double> { static constexpr ValType kType = ValType::kF64; };
template <> struct WasmType<ExternRef> { static constexpr ValType kType = ValType::kExternRef; };
template <> struct WasmType<FuncRef> { static constexpr ValType kType = ValType::kFuncRef; };

template <typename T>
T ReadSlot(uint64_t slot) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<float>(static_cast<uint32_t>(slot));
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<double>(slot);
  } else if constexpr (std::is_same_v<T, ExternRef>) {
    return ExternRef{slot};
  } else if constexpr (std::is_same_v<T, FuncRef>) {
    return FuncRef{reinterpret_cast<Function*>(slot)};
  } else {
    return static_cast<T>(slot);
  }
}

template <typename T>
uint64_t WriteSlot(T value) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<uint32_t>(value);
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<uint64_t>(value);
  } else if constexpr (std::is_same_v<T, ExternRef>) {
    return value.token;
  } else if constexpr (std::is_same_v<T, FuncRef>) {
    return reinterpret_cast<uint64_t>(value.function);
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<uint32_t>(value);
  } else {
    return static_cast<uint64_t>(value);
  }
}

template <typename T>
struct Signature : Signature<decltype(&T::operator())> {};
template <typename C, typename R, typename... A>
struct Signature<R (C::*)(A...) const> {
  using Result = R;
  using Args = std::tuple<A...>;
};
template <typename C, typename R, typename... A>
struct Signature<R (C::*)(A...)> {
  using Result = R;
  using Args = std::tuple<A...>;
};
template <typename R, typename... A>
struct Signature<R (*)(A...)> {
  using Result = R;
  using Args = std::tuple<A...>;
};

template <typename Tuple>
struct TakesCaller : std::false_type {};
template <typename... Rest>
struct TakesCaller<std::tuple<Caller&, Rest...>> : std::true_type {};

template <typename Tuple>
struct DropCaller {
  using Type = Tuple;
};
template <typename... Rest>
struct DropCaller<std::tuple<Caller&, Rest...>> {
  using Type = std::tuple<Rest...>;
};

template <typename T>
struct IsTuple : std::false_type {};
template <typename... T>
struct IsTuple<std::tuple<T...>> : std::true_type {};

template <typename... A>
void AppendTypes(std::vector<ValType>& out, std::tuple<A...>*) {
  (out.push_back(WasmType<std::decay_t<A>>::kType), ...);
}

template <typename R>
void ResultTypes(std::vector<ValType>& out) {
  if constexpr (std::is_void_v<R>) {
    return;
  } else if constexpr (IsTuple<R>::value) {
    AppendTypes(out, static_cast<R*>(nullptr));
  } else {
    out.push_back(WasmType<R>::kType);
  }
}

template <typename F, typename R, typename Params, bool kWithCaller, size_t... I>
void Invoke(F& callable, Caller& caller, uint64_t* slots, std::index_sequence<I...>) {
  auto call = [&]() -> decltype(auto) {
    if constexpr (kWithCaller) {
      return callable(caller,
                      ReadSlot<std::decay_t<std::tuple_element_t<I, Params>>>(slots[I])...);
    } else {
      (void)caller;
      return callable(ReadSlot<std::decay_t<std::tuple_element_t<I, Params>>>(slots[I])...);
    }
  };
  if constexpr (std::is_void_v<R>) {
    call();
  } else if constexpr (IsTuple<R>::value) {
    R results = call();
    std::apply(
        [&](auto... values) {
          size_t index = 0;
          ((slots[index++] = WriteSlot(values)), ...);
        },
        results);
  } else {
    slots[0] = WriteSlot<R>(call());
  }
}

// ---- the typed entry compiled code calls (engine/rt/native_abi.h) ----

// How a wasm value travels in a register: i32 as uint32_t, i64 and
// references as uint64_t, floats as themselves.
template <typename T> struct Register { using type = T; };
template <> struct Register<int32_t> { using type = uint32_t; };
template <> struct Register<int64_t> { using type = uint64_t; };
template <> struct Register<ExternRef> { using type = uint64_t; };
template <> struct Register<FuncRef> { using type = uint64_t; };

template <typename T>
T FromRegister(typename Register<T>::type value) {
  if constexpr (std::is_same_v<T, ExternRef>) {
    return ExternRef{value};
  } else if constexpr (std::is_same_v<T, FuncRef>) {
    return FuncRef{reinterpret_cast<Function*>(value)};
  } else {
    return static_cast<T>(value);
  }
}

template <typename T>
typename Register<T>::type ToRegister(T value) {
  if constexpr (std::is_same_v<T, ExternRef>) {
    return value.token;
  } else if constexpr (std::is_same_v<T, FuncRef>) {
    return reinterpret_cast<uint64_t>(value.function);
  } else {
    return static_cast<typename Register<T>::type>(value);
  }
}

// The runtime's side of one typed host call: the Caller, and afterwards
// the trap (if any) handed to compiled code through the VmContext.
class NativeHostCall {
 public:
  explicit NativeHostCall(native::VmContext* vmctx);
  Caller& caller() { return caller_; }
  void Finish();

 private:
  native::VmContext* vmctx_;
  Caller caller_;
  int saved_in_guest_;
};

template <typename F, typename R, typename Params, bool kWithCaller>
struct TypedEntry;
template <typename F, typename R, bool kWithCaller, typename... P>
struct TypedEntry<F, R, std::tuple<P...>, kWithCaller> {
  using Ret = typename std::conditional_t<std::is_void_v<R>, std::type_identity<void>,
                                          Register<std::decay_t<R>>>::type;
  static Ret Call(const HostFunction* host, native::VmContext* vmctx,
                  typename Register<std::decay_t<P>>::type... args) {
    NativeHostCall call(vmctx);
    F& callable = *static_cast<F*>(host->env);
    auto invoke = [&]() -> decltype(auto) {
      if constexpr (kWithCaller) {
        return callable(call.caller(), FromRegister<std::decay_t<P>>(args)...);
      } else {
        return callable(FromRegister<std::decay_t<P>>(args)...);
      }
    };
    if constexpr (std::is_void_v<R>) {
      invoke();
      call.Finish();
    } else {
      const Ret result = ToRegister<std::decay_t<R>>(invoke());
      call.Finish();
      return result;
    }
  }
};

template <typename F>
void Thunk(void* env, Caller& caller, uint64_t* slots) {
  using Sig = Signature<F>;
  using Args = typename Sig::Args;
  using Params = typename DropCaller<Args>::Type;
  constexpr bool kWithCaller = TakesCaller<Args>::value;
  Invoke<F, typename Sig::Result, Params, kWithCaller>(
      *static_cast<F*>(env), caller, slots,
      std::make_index_sequence<std::tuple_size_v<Params>>());
}

}  // namespace host_detail

// A host function with an explicit type and the raw calling convention.
std::shared_ptr<HostFunction> MakeHostFunction(Engine& engine, std::string name,
                                               const FuncType& type, HostCallback callback,
                                               void* env, std::shared_ptr<void> env_owner);

template <typename F>
std::shared_ptr<HostFunction> WrapFunction(Engine& engine, std::string name, F callable) {
  using Sig = host_detail::Signature<F>;
  using Params = typename host_detail::DropCaller<typename Sig::Args>::Type;
  FuncType type;
  host_detail::AppendTypes(type.params, static_cast<Params*>(nullptr));
  host_detail::ResultTypes<typename Sig::Result>(type.results);
  auto owner = std::make_shared<F>(std::move(callable));
  void* env = owner.get();
  auto function = MakeHostFunction(engine, std::move(name), type, &host_detail::Thunk<F>, env,
                                   std::move(owner));
  if constexpr (!host_detail::IsTuple<typename Sig::Result>::value) {
    constexpr bool kWithCaller = host_detail::TakesCaller<typename Sig::Args>::value;
    function->typed_entry = reinterpret_cast<const void*>(
        &host_detail::TypedEntry<F, typename Sig::Result, Params, kWithCaller>::Call);
  }
  return function;
}

}  // namespace spindle
