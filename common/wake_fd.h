// WakeFd: an eventfd one thread polls beside its other descriptors and another thread signals,
// to end a wait at once (the job engine's listener, waiting for NOTIFY or a WAL write, is told to
// stop this way instead of waking every few hundred milliseconds to look).
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace vigil {

class WakeFd {
 public:
  WakeFd() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~WakeFd() {
    if (fd_ >= 0) close(fd_);
  }
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;

  int fd() const { return fd_; }  // -1 if the kernel refused one
  void Signal() const {
    uint64_t one = 1;
    if (fd_ >= 0) (void)!write(fd_, &one, sizeof one);
  }
  void Drain() const {
    uint64_t n;
    if (fd_ >= 0) (void)!read(fd_, &n, sizeof n);
  }

 private:
  int fd_;
};

}  // namespace vigil
