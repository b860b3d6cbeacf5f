// Names the calling thread (at most 15 bytes, the kernel's limit; longer names are cut), so that
// top -H, /proc/PID/task/TID/comm, gdb and perf tell vigil's threads apart: "jobs-fetch",
// "work-default", "event-writer". bench/idle_bench.sh counts wakeups per thread by these names.
#pragma once

#include <pthread.h>

#include <string>

namespace vigil {

inline void NameThisThread(const std::string& name) {
  std::string cut = name.substr(0, 15);
  pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace vigil
