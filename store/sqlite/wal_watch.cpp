#include "store/sqlite/wal_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace vigil {

WalWatch::~WalWatch() {
  if (fd_ >= 0) close(fd_);
}

Status WalWatch::Open(const std::string& db_file) {
  auto slash = db_file.rfind('/');
  if (db_file.empty() || slash == std::string::npos) return Status::Error("no database file to watch (in memory?)");
  std::string dir = slash == 0 ? "/" : db_file.substr(0, slash);
  wal_name_ = db_file.substr(slash + 1) + "-wal";
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return Status::Error(std::string("inotify: ") + strerror(errno));
  // The directory, not the file: the WAL is deleted when the last connection closes and made
  // again by the next, and a watch on the file would die with it.
  if (inotify_add_watch(fd_, dir.c_str(), IN_MODIFY | IN_CREATE) < 0) {
    std::string error = std::string("watching ") + dir + ": " + strerror(errno);
    close(fd_);
    fd_ = -1;
    return Status::Error(error);
  }
  return Status::Ok();
}

Result<bool> WalWatch::Wait(std::chrono::milliseconds timeout, int interrupt_fd) {
  if (fd_ < 0) return Status::Error("WAL watch not open");
  pollfd fds[2] = {{fd_, POLLIN, 0}, {interrupt_fd, POLLIN, 0}};
  int ready = poll(fds, interrupt_fd >= 0 ? 2 : 1, static_cast<int>(std::min<int64_t>(timeout.count(), INT_MAX)));
  if (ready < 0 && errno != EINTR) return Status::Error(std::string("poll: ") + strerror(errno));
  if (ready <= 0 || fds[0].revents == 0) return false;
  bool written = false;
  alignas(inotify_event) char buf[8192];
  for (;;) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t at = 0; at < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + at);
      if (ev->len > 0 && wal_name_ == ev->name) written = true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
  return written;
}

}  // namespace vigil
