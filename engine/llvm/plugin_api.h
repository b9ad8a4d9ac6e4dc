// The C interface of the LLVM compiler plugin (libspindle-llvm.so). The
// runtime dlopen()s the plugin only when it has to compile, so processes
// that run cached code never map libLLVM (about 10 ms per process start).
//
// The plugin decodes and validates the module itself and returns a
// complete artifact in the format of engine/rt/native_abi.h.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

struct SpindleCompileRequest {
  const uint8_t* wasm;
  size_t wasm_size;
  const uint8_t* key;      // 32 bytes, copied into the artifact header
  uint32_t opt_level;      // 0..3; the runtime asks for 2
  uint32_t threads;        // partitions compiled in parallel; 0 = hardware threads
};

struct SpindleCompileResult {
  uint8_t* artifact;       // malloc()ed; the caller frees
  size_t artifact_size;
  char* error;             // malloc()ed message when compiling failed, else null
};

// Returns 0 on success. Thread safe: several modules may compile at once.
int spindle_llvm_compile(const SpindleCompileRequest* request, SpindleCompileResult* result);
}

#define SPINDLE_LLVM_COMPILE_SYMBOL "spindle_llvm_compile"
#define SPINDLE_LLVM_PLUGIN_NAME "libspindle-llvm.so"

// Part of every cache key: bump it whenever the code the plugin generates
// changes, so artifacts of an older plugin are recompiled, not reused.
#define SPINDLE_LLVM_CODEGEN_REVISION 12
