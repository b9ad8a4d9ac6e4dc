#include "tools/spectest/runner.h"

#include "engine/tier/native_cache.h"

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/embed/call.h"
#include "engine/embed/linker.h"
#include "tools/spectest/spectest_host.h"
#include "tools/spectest/wast_values.h"

namespace spindle::spectest {
namespace {

using nlohmann::json;

class ScriptRunner {
 public:
  ScriptRunner(Engine& engine, std::filesystem::path json_path, const RunnerOptions& options)
      : engine_(engine),
        dir_(json_path.parent_path()),
        options_(options),
        store_(engine),
        linker_(engine) {
    result_.path = json_path.string();
    linker_.AllowShadowing(true);
  }

  FileResult Run(const json& script);

 private:
  void Pass() { ++result_.passed; }
  void Fail(int line, const std::string& what) {
    ++result_.failed;
    result_.failures.push_back("line " + std::to_string(line) + ": " + what);
  }
  void CheckMessage(int line, const std::string& expected, const std::string& actual) {
    if (actual.rfind(expected, 0) == 0 || actual.find(expected) != std::string::npos) {
      Pass();
      return;
    }
    const std::string note = "line " + std::to_string(line) + ": expected \"" + expected +
                             "\", got \"" + actual + "\"";
    if (options_.strict_messages) {
      Fail(line, "message mismatch: expected \"" + expected + "\", got \"" + actual + "\"");
      return;
    }
    ++result_.message_mismatches;
    result_.mismatches.push_back(note);
    Pass();
  }

  Result<std::shared_ptr<CompiledModule>> Compile(const std::string& filename) {
    auto compiled = CompiledModule::CompileFile(engine_, (dir_ / filename).string());
    if (!compiled.ok() || !options_.native) return compiled;
    tier::NativeOptions native;
    native.use_cache = false;
    auto outcome = tier::ObtainNativeCode(**compiled, native);
    if (!outcome.ok()) {
      Error error = std::move(outcome).error();
      error.phase = Phase::kUsage;  // not what any assertion expects
      return error;
    }
    (*compiled)->PublishNativeCode(outcome->code);
    return compiled;
  }
  void CommandModule(const json& command);
  void CommandRegister(const json& command);
  Result<std::vector<Value>> RunAction(const json& action);
  void CommandAssertReturn(const json& command);
  void CommandAssertTrap(const json& command, const std::string& expected_text);
  void CommandAssertModule(const json& command, Phase expected_phase);

  Instance* NamedInstance(const json& command) {
    if (command.contains("module")) {
      auto found = named_.find(command.at("module").get<std::string>());
      return found == named_.end() ? nullptr : found->second;
    }
    return current_;
  }

  Engine& engine_;
  std::filesystem::path dir_;
  RunnerOptions options_;
  Store store_;
  Linker linker_;
  Instance* current_ = nullptr;
  std::map<std::string, Instance*> named_;
  FileResult result_;
};

void ScriptRunner::CommandModule(const json& command) {
  const int line = command.at("line").get<int>();
  current_ = nullptr;
  auto compiled = Compile(command.at("filename").get<std::string>());
  if (!compiled.ok()) {
    Fail(line, "module did not compile: " + compiled.error().ToString());
    return;
  }
  auto instance = linker_.Instantiate(store_, *compiled);
  if (!instance.ok()) {
    Fail(line, "module did not instantiate: " + instance.error().ToString());
    return;
  }
  current_ = *instance;
  if (command.contains("name")) named_[command.at("name").get<std::string>()] = current_;
  Pass();
}

void ScriptRunner::CommandRegister(const json& command) {
  const int line = command.at("line").get<int>();
  Instance* instance = NamedInstance(command);
  if (!instance) {
    Fail(line, "register: no such module");
    return;
  }
  Status status = linker_.DefineInstance(command.at("as").get<std::string>(), *instance);
  if (!status.ok()) {
    Fail(line, status.error().ToString());
    return;
  }
  Pass();
}

Result<std::vector<Value>> ScriptRunner::RunAction(const json& action) {
  Instance* instance = NamedInstance(action);
  if (!instance) return MakeError(Phase::kUsage, "no module to act on");
  const std::string field = action.at("field").get<std::string>();
  const std::string type = action.at("type").get<std::string>();
  if (type == "get") {
    Global* global = instance->GetGlobal(field);
    if (!global) return MakeError(Phase::kUsage, "no global export \"" + field + "\"");
    return std::vector<Value>{Value{global->type.type, global->value}};
  }
  Function* function = instance->GetFunction(field);
  if (!function) return MakeError(Phase::kUsage, "no function export \"" + field + "\"");
  std::vector<Value> args;
  for (const json& arg : action.at("args")) {
    auto value = ParseValue(arg);
    if (!value) return MakeError(Phase::kUsage, "unsupported argument " + arg.dump());
    args.push_back(*value);
  }
  return Call(store_, function, args);
}

void ScriptRunner::CommandAssertReturn(const json& command) {
  const int line = command.at("line").get<int>();
  auto results = RunAction(command.at("action"));
  if (!results.ok()) {
    Fail(line, "action failed: " + results.error().ToString());
    return;
  }
  const json& expected = command.at("expected");
  if (expected.size() != results->size()) {
    Fail(line, "expected " + std::to_string(expected.size()) + " results, got " +
                   std::to_string(results->size()));
    return;
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!Matches(expected[i], (*results)[i])) {
      Fail(line, "result " + std::to_string(i) + ": expected " + DescribeExpected(expected[i]) +
                     ", got " + (*results)[i].ToString() + " (bits " +
                     std::to_string((*results)[i].bits) + ")");
      return;
    }
  }
  Pass();
}

void ScriptRunner::CommandAssertTrap(const json& command, const std::string& expected_text) {
  const int line = command.at("line").get<int>();
  auto results = RunAction(command.at("action"));
  if (results.ok()) {
    Fail(line, "expected trap \"" + expected_text + "\", but the call returned");
    return;
  }
  const Error& error = results.error();
  if (error.phase != Phase::kRuntime) {
    Fail(line, "expected trap, got " + error.ToString());
    return;
  }
  if (error.message.rfind(expected_text, 0) != 0) {
    Fail(line, "expected trap \"" + expected_text + "\", got \"" + error.message + "\"");
    return;
  }
  Pass();
}

// assert_malformed / assert_invalid / assert_unlinkable / assert_uninstantiable
void ScriptRunner::CommandAssertModule(const json& command, Phase expected_phase) {
  const int line = command.at("line").get<int>();
  const std::string text = command.value("text", "");
  if (command.value("module_type", "binary") != "binary") {
    ++result_.skipped;  // a text-format module: exercises a wat parser, not us
    return;
  }
  auto compiled = Compile(command.at("filename").get<std::string>());
  if (!compiled.ok()) {
    const Error& error = compiled.error();
    if (error.phase != expected_phase) {
      Fail(line, std::string("expected ") + PhaseName(expected_phase) + " (\"" + text +
                     "\"), got " + PhaseName(error.phase) + ": " + error.ToString());
      return;
    }
    CheckMessage(line, text, error.message);
    return;
  }
  if (expected_phase == Phase::kDecode || expected_phase == Phase::kValidate) {
    Fail(line, std::string("expected ") + PhaseName(expected_phase) + " \"" + text +
                   "\", but the module compiled");
    return;
  }
  auto instance = linker_.Instantiate(store_, *compiled);
  if (instance.ok()) {
    Fail(line, "expected \"" + text + "\", but the module instantiated");
    return;
  }
  const Error& error = instance.error();
  const bool phase_ok = expected_phase == Phase::kLink
                            ? error.phase == Phase::kLink
                            : (error.phase == Phase::kInstantiate || error.phase == Phase::kRuntime);
  if (!phase_ok) {
    Fail(line, std::string("expected ") + PhaseName(expected_phase) + " \"" + text + "\", got " +
                   error.ToString());
    return;
  }
  if (expected_phase == Phase::kLink) {
    CheckMessage(line, text, error.message);
    return;
  }
  if (error.message.rfind(text, 0) != 0) {
    Fail(line, "expected \"" + text + "\", got \"" + error.message + "\"");
    return;
  }
  Pass();
}

FileResult ScriptRunner::Run(const json& script) {
  Status host = DefineSpectestModule(linker_, store_);
  if (!host.ok()) {
    Fail(0, "cannot define the spectest module: " + host.error().ToString());
    return result_;
  }
  for (const json& command : script.at("commands")) {
    const std::string type = command.at("type").get<std::string>();
    const int line = command.value("line", 0);
    if (type == "module") {
      CommandModule(command);
    } else if (type == "register") {
      CommandRegister(command);
    } else if (type == "action") {
      auto results = RunAction(command.at("action"));
      if (results.ok()) {
        Pass();
      } else {
        Fail(line, "action failed: " + results.error().ToString());
      }
    } else if (type == "assert_return") {
      CommandAssertReturn(command);
    } else if (type == "assert_trap" || type == "assert_exhaustion") {
      if (command.contains("action")) {
        CommandAssertTrap(command, command.value("text", ""));
      } else {
        CommandAssertModule(command, Phase::kInstantiate);
      }
    } else if (type == "assert_malformed") {
      CommandAssertModule(command, Phase::kDecode);
    } else if (type == "assert_invalid") {
      CommandAssertModule(command, Phase::kValidate);
    } else if (type == "assert_unlinkable") {
      CommandAssertModule(command, Phase::kLink);
    } else if (type == "assert_uninstantiable") {
      CommandAssertModule(command, Phase::kInstantiate);
    } else {
      Fail(line, "unknown command type " + type);
    }
  }
  return result_;
}

}  // namespace

FileResult RunSpecFile(Engine& engine, const std::filesystem::path& json_path,
                       const RunnerOptions& options) {
  std::ifstream input(json_path);
  std::stringstream contents;
  contents << input.rdbuf();
  json script;
  try {
    script = json::parse(contents.str());
  } catch (const json::exception& error) {
    FileResult result;
    result.path = json_path.string();
    result.failed = 1;
    result.failures.push_back(std::string("cannot parse: ") + error.what());
    return result;
  }
  ScriptRunner runner(engine, json_path, options);
  return runner.Run(script);
}

}  // namespace spindle::spectest
