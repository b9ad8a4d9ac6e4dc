// poll_oneoff: clock and descriptor subscriptions. Regular files and memory
// streams are always ready; host streams and sockets go through poll(2).
// Waiting happens in short slices so that a guest blocked here can still be
// stopped by its store's epoch deadline.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "engine/rt/store.h"
#include "wasi/preview1_internal.h"
#include "wasi/wasi_types.h"

namespace spindle::wasi {

uint64_t MonotonicNow() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
}

// True once the store's epoch deadline has passed (and traps the caller).
bool Interrupted(Caller& caller) {
  Store& store = caller.store();
  if (store.engine().epoch() < store.epoch_deadline()) return false;
  caller.Trap(TrapKind::kInterrupted);
  return true;
}

namespace {
constexpr int kSliceMilliseconds = 50;
}  // namespace

bool WaitReadable(Env& env, int fd) {
  for (;;) {
    pollfd entry{fd, POLLIN, 0};
    const int got = poll(&entry, 1, kSliceMilliseconds);
    if (got > 0 || (got < 0 && errno != EINTR)) return true;
    if (Interrupted(env.caller)) return false;
  }
}

namespace {

struct Event {
  uint64_t userdata = 0;
  uint16_t error = 0;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct PendingFd {
  size_t subscription;
  uint64_t userdata;
  uint8_t type;
  int host_fd;
};

struct PendingClock {
  uint64_t userdata;
  uint64_t deadline;  // CLOCK_MONOTONIC nanoseconds
};

void WriteEvent(uint8_t* out, const Event& event) {
  std::memset(out, 0, kEventSize);
  std::memcpy(out, &event.userdata, 8);
  std::memcpy(out + 8, &event.error, 2);
  out[10] = event.type;
  std::memcpy(out + 16, &event.nbytes, 8);
  std::memcpy(out + 24, &event.flags, 2);
}

// Translates a clock subscription into a monotonic deadline.
Errno ClockDeadline(uint32_t clock_id, uint64_t timeout, uint16_t flags, uint64_t& deadline) {
  const uint64_t now = MonotonicNow();
  if (!(flags & kSubclockAbstime)) {
    deadline = timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout;
    return kSuccess;
  }
  clockid_t host;
  switch (clock_id) {
    case kClockRealtime: host = CLOCK_REALTIME; break;
    case kClockMonotonic: host = CLOCK_MONOTONIC; break;
    case kClockProcessCputime: host = CLOCK_PROCESS_CPUTIME_ID; break;
    case kClockThreadCputime: host = CLOCK_THREAD_CPUTIME_ID; break;
    default: return kInval;
  }
  timespec clock_now{};
  clock_gettime(host, &clock_now);
  const uint64_t then = static_cast<uint64_t>(clock_now.tv_sec) * 1000000000u +
                        static_cast<uint64_t>(clock_now.tv_nsec);
  deadline = timeout <= then ? now : now + (timeout - then);
  return kSuccess;
}

// Whether a descriptor's readiness is known without asking the kernel, and
// if so, the event it produces.
bool ImmediateEvent(const Descriptor& d, uint8_t type, Event& event) {
  switch (d.kind) {
    case DescriptorKind::kMemory:
      event.nbytes = type == kEventFdRead && d.memory->readable() ? d.memory->Available() : 0;
      return true;
    case DescriptorKind::kClosed:
      return true;
    case DescriptorKind::kFile: {
      if (type == kEventFdRead) {
        struct stat info {};
        const off_t position = lseek(d.host_fd, 0, SEEK_CUR);
        if (fstat(d.host_fd, &info) == 0 && position >= 0 && info.st_size > position) {
          event.nbytes = static_cast<uint64_t>(info.st_size - position);
        }
      }
      return true;
    }
    case DescriptorKind::kDirectory:
      event.error = kBadf;
      return true;
    default:
      return false;
  }
}

uint32_t PollOneoff(Env& env, uint32_t in, uint32_t out, uint32_t count, uint32_t nevents) {
  if (count == 0) return kInval;
  const uint8_t* subscriptions = env.memory.At(in, uint64_t{count} * kSubscriptionSize);
  uint8_t* events_out = env.memory.At(out, uint64_t{count} * kEventSize);
  if (!subscriptions || !events_out) return kFault;

  std::vector<Event> ready;
  std::vector<PendingFd> fds;
  std::vector<PendingClock> clocks;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* subscription = subscriptions + size_t{i} * kSubscriptionSize;
    Event event;
    std::memcpy(&event.userdata, subscription, 8);
    event.type = subscription[8];
    if (event.type == kEventClock) {
      uint32_t clock_id;
      uint64_t timeout;
      uint16_t flags;
      std::memcpy(&clock_id, subscription + 16, 4);
      std::memcpy(&timeout, subscription + 24, 8);
      std::memcpy(&flags, subscription + 40, 2);
      if (clock_id > kClockThreadCputime) {
        event.error = kInval;
        ready.push_back(event);
        continue;
      }
      uint64_t deadline;
      if (const Errno error = ClockDeadline(clock_id, timeout, flags, deadline)) {
        event.error = error;
        ready.push_back(event);
        continue;
      }
      clocks.push_back({event.userdata, deadline});
      continue;
    }
    if (event.type != kEventFdRead && event.type != kEventFdWrite) return kInval;
    uint32_t fd;
    std::memcpy(&fd, subscription + 16, 4);
    Descriptor* d = env.fds().Get(fd);
    if (!d) {
      event.error = kBadf;
      ready.push_back(event);
    } else if (!d->Has(kRightPollFdReadwrite)) {
      event.error = kNotCapable;
      ready.push_back(event);
    } else if (ImmediateEvent(*d, event.type, event)) {
      ready.push_back(event);
    } else {
      fds.push_back({i, event.userdata, event.type, d->host_fd});
    }
  }

  std::vector<pollfd> polled(fds.size());
  for (size_t i = 0; i < fds.size(); ++i) {
    polled[i] = {fds[i].host_fd, static_cast<short>(fds[i].type == kEventFdRead ? POLLIN : POLLOUT),
                 0};
  }
  uint64_t earliest = UINT64_MAX;
  for (const PendingClock& clock : clocks) earliest = std::min(earliest, clock.deadline);

  // Wait until something is ready, a clock expires, or the guest's time is up.
  for (;;) {
    const uint64_t now = MonotonicNow();
    int wait_ms;
    if (!ready.empty() || earliest <= now) {
      wait_ms = 0;
    } else {
      const uint64_t left = earliest == UINT64_MAX ? UINT64_MAX : earliest - now;
      wait_ms = left / 1000000u >= kSliceMilliseconds ? kSliceMilliseconds
                                                     : static_cast<int>((left + 999999u) / 1000000u);
    }
    const int got = polled.empty() ? 0 : poll(polled.data(), polled.size(), wait_ms);
    if (got < 0 && errno != EINTR) return FromHostErrno(errno);
    if (polled.empty() && wait_ms > 0) {
      const timespec pause{0, static_cast<long>(wait_ms) * 1000000L};
      nanosleep(&pause, nullptr);
    }
    bool any = !ready.empty() || got > 0;
    for (const PendingClock& clock : clocks) any = any || clock.deadline <= MonotonicNow();
    if (any) break;
    if (Interrupted(env.caller)) return kIntr;
  }

  for (size_t i = 0; i < fds.size(); ++i) {
    const short revents = polled[i].revents;
    if (revents == 0) continue;
    Event event;
    event.userdata = fds[i].userdata;
    event.type = fds[i].type;
    if (revents & POLLNVAL) {
      event.error = kBadf;
    } else if ((revents & POLLERR) && !(revents & (POLLIN | POLLOUT))) {
      event.error = kIo;
    } else {
      if (revents & POLLHUP) event.flags = kEventFdReadwriteHangup;
      int available = 0;
      if (event.type == kEventFdRead && ioctl(fds[i].host_fd, FIONREAD, &available) == 0) {
        event.nbytes = static_cast<uint64_t>(available);
      }
    }
    ready.push_back(event);
  }
  const uint64_t now = MonotonicNow();
  for (const PendingClock& clock : clocks) {
    if (clock.deadline <= now) {
      Event event;
      event.userdata = clock.userdata;
      event.type = kEventClock;
      ready.push_back(event);
    }
  }
  for (size_t i = 0; i < ready.size(); ++i) WriteEvent(events_out + i * kEventSize, ready[i]);
  return env.memory.Write<uint32_t>(nevents, static_cast<uint32_t>(ready.size())) ? kSuccess
                                                                                 : kFault;
}

}  // namespace

Status AddPollFunctions(Linker& linker, ContextOf context_of) {
  return Define(linker, "poll_oneoff", context_of, &PollOneoff);
}

}  // namespace spindle::wasi
