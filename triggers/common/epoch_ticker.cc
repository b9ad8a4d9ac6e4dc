#include "triggers/common/epoch_ticker.h"

namespace spindle::triggers {

EpochTicker::EpochTicker(Engine& engine) {
  thread_ = std::thread([this, &engine] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_.wait_for(lock, kTick, [this] { return stopping_; })) engine.IncrementEpoch();
  });
}

EpochTicker::~EpochTicker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

}  // namespace spindle::triggers
