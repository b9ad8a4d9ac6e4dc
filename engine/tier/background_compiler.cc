#include "engine/tier/background_compiler.h"

#include <signal.h>

namespace spindle::tier {

BackgroundCompiler::BackgroundCompiler(NativeOptions options, Done done)
    : options_(std::move(options)), done_(std::move(done)) {
  options_.running_child = &running_child_;
  options_.background = true;
  thread_ = std::thread([this] { Run(); });
}

BackgroundCompiler::~BackgroundCompiler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  if (const int child = running_child_.load(); child > 0) kill(child, SIGKILL);
  thread_.join();
}

void BackgroundCompiler::Enqueue(std::shared_ptr<CompiledModule> module, std::string label) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    queue_.emplace_back(std::move(module), std::move(label));
  }
  changed_.notify_all();
}

void BackgroundCompiler::WaitIdle() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return stopping_ || (queue_.empty() && !busy_); });
}

void BackgroundCompiler::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    auto [module, label] = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Result<NativeOutcome> outcome = ObtainNativeCode(*module, options_);
    if (outcome.ok()) module->PublishNativeCode(outcome->code);
    lock.lock();
    const bool stopped = stopping_;
    lock.unlock();
    if (!stopped && done_) done_(label, outcome);
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace spindle::tier
