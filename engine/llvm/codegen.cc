#include "engine/llvm/codegen.h"

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include <llvm/ADT/SmallVector.h>
#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/StringSaver.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include "engine/llvm/loop_passes.h"
#include "engine/llvm/module_translator.h"

namespace spindle::aot {
namespace {

const TargetDescription& HostTarget() {
  static const TargetDescription target = [] {
    // SPINDLE_LLVM_OPTIONS passes LLVM's own command-line options, e.g.
    // "-pass-remarks-missed=loop-vectorize", for tuning.
    if (const char* options = std::getenv("SPINDLE_LLVM_OPTIONS"); options && *options) {
      const std::string line = std::string("spindle-llvm ") + options;
      llvm::SmallVector<const char*, 8> argv;
      llvm::BumpPtrAllocator allocator;
      llvm::StringSaver saver(allocator);
      llvm::cl::TokenizeGNUCommandLine(line, saver, argv);
      llvm::cl::ParseCommandLineOptions(int(argv.size()), argv.data());
    }
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    TargetDescription description;
    description.triple = llvm::sys::getProcessTriple();
    description.cpu = llvm::sys::getHostCPUName().str();
    std::string features;
    for (const auto& feature : llvm::sys::getHostCPUFeatures()) {
      if (!features.empty()) features += ',';
      features += (feature.getValue() ? '+' : '-');
      features += feature.getKey().str();
    }
    description.features = std::move(features);
    return description;
  }();
  return target;
}

llvm::CodeGenOptLevel CodegenLevel(uint32_t opt_level) {
  switch (opt_level) {
    case 0: return llvm::CodeGenOptLevel::None;
    case 1: return llvm::CodeGenOptLevel::Less;
    case 2: return llvm::CodeGenOptLevel::Default;
    default: return llvm::CodeGenOptLevel::Aggressive;
  }
}

llvm::OptimizationLevel PipelineLevel(uint32_t opt_level) {
  switch (opt_level) {
    case 0: return llvm::OptimizationLevel::O0;
    case 1: return llvm::OptimizationLevel::O1;
    case 2: return llvm::OptimizationLevel::O2;
    default: return llvm::OptimizationLevel::O3;
  }
}

Error CodegenError(std::string message) {
  return MakeError(Phase::kValidate, "LLVM tier: " + std::move(message));
}

void Optimize(llvm::Module& module, llvm::TargetMachine& machine,
              const llvm::TargetLibraryInfoImpl& library_info, uint32_t opt_level) {
  llvm::LoopAnalysisManager loop_analyses;
  llvm::FunctionAnalysisManager function_analyses;
  llvm::CGSCCAnalysisManager cgscc_analyses;
  llvm::ModuleAnalysisManager module_analyses;
  llvm::PassBuilder builder(&machine);
  // Registered before the defaults, so it replaces the standard library
  // knowledge that would let LoopIdiomRecognize emit memset/memcpy.
  function_analyses.registerPass([&] { return llvm::TargetLibraryAnalysis(library_info); });
  builder.registerModuleAnalyses(module_analyses);
  builder.registerCGSCCAnalyses(cgscc_analyses);
  builder.registerFunctionAnalyses(function_analyses);
  builder.registerLoopAnalyses(loop_analyses);
  builder.crossRegisterProxies(loop_analyses, function_analyses, cgscc_analyses,
                               module_analyses);
  builder.registerVectorizerStartEPCallback(
      [](llvm::FunctionPassManager& function_passes, llvm::OptimizationLevel) {
        function_passes.addPass(BoundedLoopEpochPass());
        function_passes.addPass(LoopAddressRebasePass());
      });
  llvm::ModulePassManager passes =
      opt_level == 0 ? builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
                     : builder.buildPerModuleDefaultPipeline(PipelineLevel(opt_level));
  passes.run(module, module_analyses);
}

// SPINDLE_LLVM_DUMP_IR=DIR writes each partition's optimized IR to
// DIR/<first function index>.ll: the way to see what a change did to the
// code without disassembling artifacts.
void DumpOptimizedIr(const llvm::Module& module, const Partition& partition) {
  const char* dir = std::getenv("SPINDLE_LLVM_DUMP_IR");
  if (!dir || !*dir || partition.defined_functions.empty()) return;
  std::string path =
      std::string(dir) + "/" + std::to_string(partition.defined_functions.front()) + ".ll";
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  if (!error) module.print(out, nullptr);
}

}  // namespace

Result<std::vector<uint8_t>> CompilePartition(const Module& module, const Partition& partition,
                                              uint32_t opt_level) {
  const TargetDescription& target = HostTarget();
  std::string lookup_error;
  const llvm::Target* llvm_target = llvm::TargetRegistry::lookupTarget(target.triple, lookup_error);
  if (!llvm_target) return CodegenError("no target for " + target.triple + ": " + lookup_error);
  std::unique_ptr<llvm::TargetMachine> machine(llvm_target->createTargetMachine(
      target.triple, target.cpu, target.features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      llvm::CodeModel::Small, CodegenLevel(opt_level)));
  if (!machine) return CodegenError("cannot create a target machine for " + target.triple);

  llvm::LLVMContext context;
  llvm::Module llvm_module("spindle.partition", context);
  llvm_module.setTargetTriple(target.triple);
  llvm_module.setDataLayout(machine->createDataLayout());
  SPINDLE_TRY(TranslatePartition(module, partition, target, llvm_module));

  std::string verifier_output;
  llvm::raw_string_ostream verifier_stream(verifier_output);
  if (llvm::verifyModule(llvm_module, &verifier_stream)) {
    return CodegenError("generated invalid IR: " + verifier_stream.str());
  }

  llvm::TargetLibraryInfoImpl library_info{llvm::Triple(target.triple)};
  library_info.disableAllFunctions();
  Optimize(llvm_module, *machine, library_info, opt_level);
  DumpOptimizedIr(llvm_module, partition);

  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream object_stream(object);
  llvm::legacy::PassManager emit;
  emit.add(new llvm::TargetLibraryInfoWrapperPass(library_info));
  if (machine->addPassesToEmitFile(emit, object_stream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    return CodegenError("the target cannot emit object files");
  }
  emit.run(llvm_module);
  return std::vector<uint8_t>(object.begin(), object.end());
}

}  // namespace spindle::aot
