// Threads: the loop thread only (see journal_watch_target.h).
#include "daemon/journal_watch_target.h"

#include <spdlog/spdlog.h>

namespace vigil {

JournalWatchTarget::~JournalWatchTarget() {
  if (poll_ != nullptr) spdlog::error("log watcher {}: journal watch destroyed without Close()", spec_.name);
}

std::string JournalWatchTarget::Arm() {
  auto waiter = JournalWaiter::Open(spec_);
  if (!waiter.ok()) return waiter.error();
  // A finite timeout right after opening: sd-journal has no inotify here and polls on its own.
  if ((*waiter)->Timeout().count() >= 0) return "the journal gives no change notification here (sd-journal polls it)";
  auto* poll = new uv_poll_t{};
  int rc = uv_poll_init(loop_, poll, (*waiter)->fd());
  if (rc != 0) {
    delete poll;
    return std::string("cannot poll the journal's fd: ") + uv_strerror(rc);
  }
  poll->data = this;
  rc = uv_poll_start(poll, UV_READABLE, [](uv_poll_t* p, int status, int) {
    auto* self = static_cast<JournalWatchTarget*>(p->data);
    // An error on the fd: the fallback check still asks the waiter every `every`.
    if (status == 0 && self->waiter_->Changed()) self->changed_();
  });
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(poll), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    return std::string("cannot poll the journal's fd: ") + uv_strerror(rc);
  }
  waiter_ = std::move(*waiter);
  poll_ = poll;
  return "";
}

void JournalWatchTarget::Start(Changed changed, Ready ready) {
  changed_ = std::move(changed);
  ready(Arm());
}

void JournalWatchTarget::Check(std::function<void(bool changed)> done) {
  if (waiter_ != nullptr) return done(waiter_->Changed());
  if (Arm().empty()) spdlog::info("log watcher {}: the journal is watched for changes again", spec_.name);
  done(true);
}

void JournalWatchTarget::Close() {
  if (poll_ != nullptr) {
    uv_poll_stop(poll_);
    // The waiter owns the fd: it closes after the handle is gone from the loop, in this callback.
    poll_->data = waiter_.release();
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) {
      delete static_cast<JournalWaiter*>(h->data);
      delete reinterpret_cast<uv_poll_t*>(h);
    });
    poll_ = nullptr;
  }
  waiter_.reset();
}

}  // namespace vigil
