#include "oci/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace spindle::oci {

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

Progress::Progress(std::string verb, uint64_t total)
    : verb_(std::move(verb)), total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { Done(); }

void Progress::Update(uint64_t blob_done) {
  current_ = blob_done;
  Draw(false);
}

void Progress::FinishBlob(uint64_t blob_size) {
  base_ += blob_size;
  current_ = 0;
  Draw(false);
}

void Progress::Done() {
  if (!enabled_) return;
  if (drawn_) {
    Draw(true);
    std::fputc('\n', stderr);
  }
  enabled_ = false;
}

void Progress::Draw(bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const uint64_t done = std::min(base_ + current_, total_);
  constexpr int kWidth = 30;
  const int filled = total_ == 0 ? kWidth : static_cast<int>(done * kWidth / total_);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r%s [%s] %s / %s   ", verb_.c_str(), bar.c_str(), HumanBytes(done).c_str(),
               HumanBytes(total_).c_str());
  std::fflush(stderr);
}

}  // namespace spindle::oci
