// wasi_snapshot_preview1 host functions: all of them, sandboxed by the
// descriptor table of the calling instance's WasiContext.
#pragma once

#include "engine/embed/linker.h"
#include "wasi/wasi_context.h"

namespace spindle::wasi {

// How a host function finds the WASI state of the calling store.
using ContextOf = WasiContext* (*)(Caller& caller);

// The default: the store's user data is the WasiContext.
WasiContext* ContextFromStoreData(Caller& caller);

// Defines every wasi_snapshot_preview1 function in `linker`.
Status AddPreview1(Linker& linker, ContextOf context_of = &ContextFromStoreData);

}  // namespace spindle::wasi
