// Child processes for the end-to-end test harnesses: start a program with
// its output in files, wait for it with a deadline, decode its status.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace spindle::test_support {

// Starts `argv` (a name without '/' is looked up in PATH) with stdin from
// /dev/null and stdout and stderr written to the two files; -1 on failure.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path);

// Waits for `pid` until `deadline`; true (and the raw status) once it has
// exited or is no longer our child.
bool WaitUntil(pid_t pid, std::chrono::steady_clock::time_point deadline, int& wait_status);

// The exit status, or 128 + N for a process killed by signal N; -1 else.
int DecodeStatus(int wait_status);

}  // namespace spindle::test_support
