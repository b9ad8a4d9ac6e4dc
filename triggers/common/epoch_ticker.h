// Advances an engine's interruption epoch at a fixed period, so stores can
// express time limits as a number of ticks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/rt/engine.h"

namespace spindle::triggers {

class EpochTicker {
 public:
  static constexpr std::chrono::milliseconds kTick{10};

  explicit EpochTicker(Engine& engine);
  ~EpochTicker();
  EpochTicker(const EpochTicker&) = delete;
  EpochTicker& operator=(const EpochTicker&) = delete;

  // Ticks to allow for `limit` (rounded up, plus one for the partial tick
  // already under way).
  static uint64_t TicksFor(std::chrono::milliseconds limit) {
    return static_cast<uint64_t>((limit + kTick - std::chrono::milliseconds(1)) / kTick) + 1;
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spindle::triggers
