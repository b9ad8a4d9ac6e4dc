// Runs guest work off the I/O threads. A fixed set of workers takes jobs
// from a bounded queue: when every worker is busy, requests wait in the
// queue instead of failing, and only a full queue turns them away.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace spindle::triggers {

class WorkerPool {
 public:
  WorkerPool(size_t workers, size_t queue_capacity);
  ~WorkerPool();  // finishes queued jobs, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; false when the queue is full.
  bool Submit(std::function<void()> job);
  // Queues `job`, waiting while the queue is full (back-pressure for a
  // source that can wait, such as a Redis subscription); false only when
  // the pool is stopping.
  bool SubmitWaiting(std::function<void()> job);

  size_t queued() const;

  // Drops the jobs that no worker has started (their requests go
  // unanswered); the running ones finish.
  void DiscardQueued();

 private:
  void Work();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<std::function<void()>> jobs_;
  size_t capacity_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace spindle::triggers
