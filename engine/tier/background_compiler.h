// Compiles modules to native code on one background thread, one module at
// a time (each compile already uses every core), and publishes the code to
// the module so that instances created afterwards run natively.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/tier/native_cache.h"

namespace spindle::tier {

class BackgroundCompiler {
 public:
  // Called on the background thread after each module, published or not.
  using Done = std::function<void(const std::string& label, const Result<NativeOutcome>& outcome)>;

  BackgroundCompiler(NativeOptions options, Done done);
  // Abandons queued modules, kills a running compiler process, and joins.
  ~BackgroundCompiler();
  BackgroundCompiler(const BackgroundCompiler&) = delete;
  BackgroundCompiler& operator=(const BackgroundCompiler&) = delete;

  void Enqueue(std::shared_ptr<CompiledModule> module, std::string label);
  // Blocks until the queue is empty and nothing compiles (for tests).
  void WaitIdle();

 private:
  void Run();

  NativeOptions options_;
  Done done_;
  std::atomic<int> running_child_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::shared_ptr<CompiledModule>, std::string>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spindle::tier
