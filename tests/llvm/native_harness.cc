#include "tests/llvm/native_harness.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "engine/binary/decoder.h"
#include "engine/llvm/plugin_api.h"
#include "engine/valid/validator.h"

namespace spindle::testing {
namespace {

constexpr uint64_t kReservation = 8ull << 30;  // as the runtime: 4 GiB + 4 GiB guard

thread_local sigjmp_buf* current_jump = nullptr;

void OnFault(int, siginfo_t*, void*) {
  if (current_jump) siglongjmp(*current_jump, int(TrapKind::kMemoryOutOfBounds));
  std::abort();
}

void InstallFaultHandler() {
  static bool installed = [] {
    struct sigaction action {};
    action.sa_sigaction = OnFault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &action, nullptr);
    sigaction(SIGBUS, &action, nullptr);
    return true;
  }();
  (void)installed;
}

using CompileFunction = int (*)(const SpindleCompileRequest*, SpindleCompileResult*);

CompileFunction LoadPlugin() {
  static CompileFunction compile = [] {
    const std::string path = std::string(SPINDLE_BIN_DIR) + "/" + SPINDLE_LLVM_PLUGIN_NAME;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return CompileFunction(nullptr);
    return reinterpret_cast<CompileFunction>(dlsym(handle, SPINDLE_LLVM_COMPILE_SYMBOL));
  }();
  return compile;
}

bool InRange(uint64_t start, uint64_t length, uint64_t size) {
  return start <= size && length <= size - start;
}

}  // namespace

std::vector<uint8_t> ReadFixture(const std::string& name) {
  std::ifstream file(std::string(SPINDLE_FIXTURE_DIR) + "/" + name + ".wasm", std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

PluginOutput CompileWithPlugin(const std::vector<uint8_t>& wasm, uint32_t threads,
                               uint32_t opt_level) {
  PluginOutput output;
  CompileFunction compile = LoadPlugin();
  if (!compile) {
    output.error = std::string("cannot load the plugin: ") + dlerror();
    return output;
  }
  uint8_t key[32];
  for (int i = 0; i < 32; ++i) key[i] = uint8_t(i * 7);
  SpindleCompileRequest request{wasm.data(), wasm.size(), key, opt_level, threads};
  SpindleCompileResult result{};
  output.status = compile(&request, &result);
  if (result.artifact) {
    output.artifact.assign(result.artifact, result.artifact + result.artifact_size);
    std::free(result.artifact);
  }
  if (result.error) {
    output.error = result.error;
    std::free(result.error);
  }
  return output;
}

const native::ArtifactHeader& HeaderOf(const std::vector<uint8_t>& artifact) {
  return *reinterpret_cast<const native::ArtifactHeader*>(artifact.data());
}

std::unique_ptr<NativeInstance> NativeInstance::Create(const std::vector<uint8_t>& wasm,
                                                       const std::vector<uint8_t>& artifact,
                                                       std::map<std::string, HostImport> imports) {
  std::unique_ptr<NativeInstance> instance(new NativeInstance());
  if (!instance->Build(wasm, artifact, std::move(imports))) return nullptr;
  return instance;
}

bool NativeInstance::Build(const std::vector<uint8_t>& wasm,
                           const std::vector<uint8_t>& artifact,
                           std::map<std::string, HostImport> imports) {
  InstallFaultHandler();
  auto decoded = DecodeModule(ByteSource::Copy(wasm));
  EXPECT_TRUE(decoded.ok());
  if (!decoded.ok()) return false;
  module_ = *decoded;
  EXPECT_TRUE(ValidateModule(*module_).ok());
  const Module& module = *module_;
  const native::ArtifactHeader& header = HeaderOf(artifact);

  // Code: read+execute, as the runtime maps it.
  code_mapping_size_ = std::max<uint64_t>((header.code_size + 4095) / 4096 * 4096, 4096);
  void* code = mmap(nullptr, code_mapping_size_, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(code, MAP_FAILED);
  if (code == MAP_FAILED) return false;
  code_ = static_cast<uint8_t*>(code);
  std::memcpy(code_, artifact.data() + header.code_offset, header.code_size);
  EXPECT_EQ(mprotect(code_, code_mapping_size_, PROT_READ | PROT_EXEC), 0);
  const auto* function_offsets =
      reinterpret_cast<const uint64_t*>(artifact.data() + header.function_table_offset);
  const auto* entry_offsets =
      reinterpret_cast<const uint64_t*>(artifact.data() + header.entry_table_offset);
  entry_offsets_.assign(entry_offsets, entry_offsets + header.num_types);

  for (const FuncType& type : module.types) {
    auto same = std::find(module.types.begin(), module.types.end(), type);
    canonical_types_.push_back(&*same);
  }

  functions_.resize(module.num_functions());
  for (uint32_t i = 0; i < module.num_functions(); ++i) {
    Function& function = functions_[i];
    function.type = static_cast<const FuncType*>(canonical_types_[module.function_type_indices[i]]);
    if (i < module.num_imported_functions) {
      const Import* import = nullptr;
      uint32_t seen = 0;
      for (const Import& candidate : module.imports) {
        if (candidate.kind == ExternKind::kFunc && seen++ == i) import = &candidate;
      }
      auto it = imports.find(std::string(import->name));
      EXPECT_NE(it, imports.end()) << "missing import " << import->name;
      if (it == imports.end()) return false;
      imports_.push_back(it->second);
    } else {
      function.instance = reinterpret_cast<Instance*>(this);
      function.native_code = code_ + function_offsets[i - module.num_imported_functions];
    }
    function_pointers_.push_back(&function);
  }

  if (module.num_imported_globals || module.num_imported_tables ||
      module.num_imported_memories) {
    ADD_FAILURE() << "the harness cannot import globals, tables or memories";
    return false;
  }
  auto constant = [&](const ConstExpr& expr) -> uint64_t {
    const ConstInstr& instr = expr.instrs.at(0);
    if (instr.op == Opcode::kRefFunc) return reinterpret_cast<uint64_t>(&functions_[instr.operand]);
    if (instr.op == Opcode::kRefNull) return 0;
    return instr.operand;
  };
  for (const GlobalDecl& global : module.globals) {
    uint64_t bits = constant(global.init);
    if (global.type.type == ValType::kI32 || global.type.type == ValType::kF32) {
      bits &= 0xffffffffu;
    }
    global_cells_.push_back(bits);
  }
  for (uint64_t& cell : global_cells_) global_pointers_.push_back(&cell);

  if (!module.memories.empty()) {
    void* reservation = mmap(nullptr, kReservation, PROT_NONE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    EXPECT_NE(reservation, MAP_FAILED);
    if (reservation == MAP_FAILED) return false;
    memory_ = static_cast<uint8_t*>(reservation);
    memory_pages_ = module.memories[0].limits.min;
    memory_max_pages_ =
        module.memories[0].limits.has_max ? module.memories[0].limits.max : kMaxMemoryPages;
    if (memory_pages_) mprotect(memory_, memory_pages_ * kWasmPageSize, PROT_READ | PROT_WRITE);
  }
  for (const DataSegment& segment : module.datas) {
    if (segment.mode == SegmentMode::kActive) {
      std::memcpy(memory_ + constant(segment.offset), segment.bytes.data(), segment.bytes.size());
      data_segments_.emplace_back();
    } else {
      data_segments_.emplace_back(segment.bytes.begin(), segment.bytes.end());
    }
  }

  for (const TableType& table : module.tables) {
    tables_.emplace_back(table.limits.min, 0);
    table_max_.push_back(table.limits.has_max ? table.limits.max : UINT32_MAX);
  }
  for (const ElemSegment& segment : module.elems) {
    std::vector<uint64_t> items;
    for (const ConstInstr& item : segment.items) items.push_back(constant(ConstExpr{{item}, 0}));
    if (segment.mode == SegmentMode::kActive) {
      const uint64_t offset = constant(segment.offset);
      std::copy(items.begin(), items.end(), tables_[segment.table_index].begin() + offset);
      items.clear();
    } else if (segment.mode == SegmentMode::kDeclarative) {
      items.clear();
    }
    elem_segments_.push_back(std::move(items));
  }
  table_views_.resize(tables_.size());
  for (native::TableView& view : table_views_) table_view_pointers_.push_back(&view);
  UpdateTableViews();

  helpers_.trap = Trap;
  helpers_.trap_at_index = TrapAtIndex;
  helpers_.call_function = CallFunction;
  helpers_.memory_size = MemorySize;
  helpers_.memory_grow = MemoryGrow;
  helpers_.memory_fill = MemoryFill;
  helpers_.memory_copy = MemoryCopy;
  helpers_.memory_init = MemoryInit;
  helpers_.data_drop = DataDrop;
  helpers_.table_grow = TableGrow;
  helpers_.table_fill = TableFill;
  helpers_.table_copy = TableCopy;
  helpers_.table_init = TableInit;
  helpers_.elem_drop = ElemDrop;
  helpers_.stack_limit_reached = StackLimitReached;
  helpers_.table_get_lazy = TableGetLazy;
  helpers_.ref_func = RefFunc;

  vmctx_.memory_base = memory_;
  vmctx_.epoch = &epoch_;
  vmctx_.epoch_deadline = UINT64_MAX;
  vmctx_.globals = global_pointers_.data();
  vmctx_.functions = function_pointers_.data();
  vmctx_.tables = table_view_pointers_.data();
  vmctx_.types = canonical_types_.data();
  vmctx_.helpers = &helpers_;
  vmctx_.instance = this;
  vmctx_.runtime = this;
  return true;
}

NativeInstance::~NativeInstance() {
  if (code_) munmap(code_, code_mapping_size_);
  if (memory_) munmap(memory_, kReservation);
}

void NativeInstance::UpdateTableViews() {
  for (size_t i = 0; i < tables_.size(); ++i) {
    table_views_[i] = {tables_[i].data(), tables_[i].size(), 0};
  }
}

NativeInstance::EntryThunk NativeInstance::EntryFor(uint32_t type_index) const {
  return reinterpret_cast<EntryThunk>(code_ + entry_offsets_[type_index]);
}

NativeInstance::Outcome NativeInstance::Call(const std::string& export_name,
                                             std::vector<uint64_t> args) {
  Outcome outcome;
  const Export* found = nullptr;
  for (const Export& candidate : module_->exports) {
    if (candidate.kind == ExternKind::kFunc && candidate.name == export_name) found = &candidate;
  }
  EXPECT_NE(found, nullptr) << export_name;
  if (!found) return outcome;
  const uint32_t type_index = module_->function_type_indices[found->index];
  const FuncType& type = module_->types[type_index];
  EXPECT_EQ(args.size(), type.params.size()) << export_name;
  args.resize(std::max({args.size(), type.results.size(), size_t(1)}));

  // 1 MiB of this thread's stack for wasm frames. A deadline that has
  // passed is requested as the runtime does: through the limit.
  char here;
  vmctx_.stack_limit = epoch_ >= vmctx_.epoch_deadline
                           ? native::kInterruptRequested
                           : reinterpret_cast<uintptr_t>(&here) - (1u << 20);
  sigjmp_buf jump;
  sigjmp_buf* outer = current_jump;
  current_jump = &jump;
  const int trapped = sigsetjmp(jump, 1);
  if (trapped == 0) {
    EntryFor(type_index)(functions_[found->index].native_code, &vmctx_, args.data());
    outcome.results.assign(args.begin(), args.begin() + ptrdiff_t(type.results.size()));
  } else {
    outcome.trap = TrapKind(trapped);
  }
  current_jump = outer;
  return outcome;
}

void NativeInstance::Trap(native::VmContext*, uint32_t kind) {
  siglongjmp(*current_jump, int(kind));
}

void NativeInstance::StackLimitReached(native::VmContext* vmctx) {
  NativeInstance& self = From(vmctx);
  Trap(vmctx, uint32_t(self.epoch_ >= vmctx->epoch_deadline ? TrapKind::kInterrupted
                                                             : TrapKind::kCallStackExhausted));
}

void NativeInstance::TrapAtIndex(native::VmContext*, uint32_t kind, uint32_t) {
  siglongjmp(*current_jump, int(kind));
}

uint32_t NativeInstance::CallFunction(native::VmContext* vmctx, void* function, uint64_t* slots) {
  NativeInstance& self = From(vmctx);
  auto* callee = static_cast<Function*>(function);
  const size_t index = size_t(callee - self.functions_.data());
  if (index < self.module_->num_imported_functions) return uint32_t(self.imports_[index](slots));
  const uint32_t type_index = self.module_->function_type_indices[index];
  self.EntryFor(type_index)(callee->native_code, vmctx, slots);
  return 0;
}

uint32_t NativeInstance::MemorySize(native::VmContext* vmctx) {
  return uint32_t(From(vmctx).memory_pages_);
}

uint32_t NativeInstance::MemoryGrow(native::VmContext* vmctx, uint32_t delta) {
  NativeInstance& self = From(vmctx);
  const uint64_t old_pages = self.memory_pages_;
  if (old_pages + delta > self.memory_max_pages_) return UINT32_MAX;
  self.memory_pages_ += delta;
  mprotect(self.memory_, self.memory_pages_ * kWasmPageSize, PROT_READ | PROT_WRITE);
  return uint32_t(old_pages);
}

uint32_t NativeInstance::MemoryFill(native::VmContext* vmctx, uint32_t dst, uint32_t value,
                                    uint32_t length) {
  NativeInstance& self = From(vmctx);
  if (!InRange(dst, length, self.memory_pages_ * kWasmPageSize)) {
    return uint32_t(TrapKind::kMemoryOutOfBounds);
  }
  std::memset(self.memory_ + dst, int(value & 0xff), length);
  return 0;
}

uint32_t NativeInstance::MemoryCopy(native::VmContext* vmctx, uint32_t dst, uint32_t src,
                                    uint32_t length) {
  NativeInstance& self = From(vmctx);
  const uint64_t size = self.memory_pages_ * kWasmPageSize;
  if (!InRange(dst, length, size) || !InRange(src, length, size)) {
    return uint32_t(TrapKind::kMemoryOutOfBounds);
  }
  std::memmove(self.memory_ + dst, self.memory_ + src, length);
  return 0;
}

uint32_t NativeInstance::MemoryInit(native::VmContext* vmctx, uint32_t segment, uint32_t dst,
                                    uint32_t src, uint32_t length) {
  NativeInstance& self = From(vmctx);
  const std::vector<uint8_t>& bytes = self.data_segments_[segment];
  if (!InRange(dst, length, self.memory_pages_ * kWasmPageSize) ||
      !InRange(src, length, bytes.size())) {
    return uint32_t(TrapKind::kMemoryOutOfBounds);
  }
  if (length) std::memcpy(self.memory_ + dst, bytes.data() + src, length);
  return 0;
}

void NativeInstance::DataDrop(native::VmContext* vmctx, uint32_t segment) {
  From(vmctx).data_segments_[segment].clear();
}

uint32_t NativeInstance::TableGrow(native::VmContext* vmctx, uint32_t table, uint64_t init,
                                   uint32_t delta) {
  NativeInstance& self = From(vmctx);
  std::vector<uint64_t>& elements = self.tables_[table];
  const uint64_t old_size = elements.size();
  if (old_size + delta > self.table_max_[table]) return UINT32_MAX;
  elements.resize(old_size + delta, init);
  self.UpdateTableViews();
  return uint32_t(old_size);
}

uint32_t NativeInstance::TableFill(native::VmContext* vmctx, uint32_t table, uint32_t dst,
                                   uint64_t value, uint32_t length) {
  std::vector<uint64_t>& elements = From(vmctx).tables_[table];
  if (!InRange(dst, length, elements.size())) return uint32_t(TrapKind::kTableOutOfBounds);
  std::fill_n(elements.begin() + dst, length, value);
  return 0;
}

uint32_t NativeInstance::TableCopy(native::VmContext* vmctx, uint32_t dst_table,
                                   uint32_t src_table, uint32_t dst, uint32_t src,
                                   uint32_t length) {
  NativeInstance& self = From(vmctx);
  std::vector<uint64_t>& to = self.tables_[dst_table];
  const std::vector<uint64_t> from = self.tables_[src_table];
  if (!InRange(dst, length, to.size()) || !InRange(src, length, from.size())) {
    return uint32_t(TrapKind::kTableOutOfBounds);
  }
  std::copy_n(from.begin() + src, length, to.begin() + dst);
  return 0;
}

uint32_t NativeInstance::TableInit(native::VmContext* vmctx, uint32_t segment, uint32_t table,
                                   uint32_t dst, uint32_t src, uint32_t length) {
  NativeInstance& self = From(vmctx);
  std::vector<uint64_t>& to = self.tables_[table];
  const std::vector<uint64_t>& items = self.elem_segments_[segment];
  if (!InRange(dst, length, to.size()) || !InRange(src, length, items.size())) {
    return uint32_t(TrapKind::kTableOutOfBounds);
  }
  std::copy_n(items.begin() + src, length, to.begin() + dst);
  return 0;
}

void NativeInstance::ElemDrop(native::VmContext* vmctx, uint32_t segment) {
  From(vmctx).elem_segments_[segment].clear();
}

uint64_t NativeInstance::TableGetLazy(native::VmContext* vmctx, uint32_t table, uint32_t index) {
  return From(vmctx).tables_[table][index];
}

void* NativeInstance::RefFunc(native::VmContext* vmctx, uint32_t function_index) {
  return From(vmctx).function_pointers_[function_index];
}

}  // namespace spindle::testing
