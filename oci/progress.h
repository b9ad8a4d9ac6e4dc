// Byte progress for pushes and pulls: a redrawn bar on stderr when stderr
// is a terminal, nothing otherwise (the command prints one summary line).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace spindle::oci {

class Progress {
 public:
  // `verb` is "Pushing" or "Pulling"; `total` the bytes of all blobs.
  Progress(std::string verb, uint64_t total);
  ~Progress();

  // Bytes of the current blob so far; `base` is what earlier blobs moved.
  void Update(uint64_t blob_done);
  // The current blob is complete (or skipped): its bytes count as done.
  void FinishBlob(uint64_t blob_size);
  void Done();

 private:
  void Draw(bool force);
  std::string verb_;
  uint64_t total_ = 0;
  uint64_t base_ = 0;
  uint64_t current_ = 0;
  bool enabled_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// "12.3 KiB" style.
std::string HumanBytes(uint64_t bytes);

}  // namespace spindle::oci
