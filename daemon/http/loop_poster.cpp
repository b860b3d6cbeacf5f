#include "daemon/http/loop_poster.h"

namespace vigil {

LoopPoster::LoopPoster(uv_loop_t* loop) {
  uv_async_init(loop, &async_, &LoopPoster::OnAsync);
  async_.data = this;
}

LoopPoster::~LoopPoster() = default;

void LoopPoster::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    pending_.push_back(std::move(fn));
  }
  uv_async_send(&async_);
}

void LoopPoster::OnAsync(uv_async_t* handle) { static_cast<LoopPoster*>(handle->data)->Drain(); }

void LoopPoster::Drain() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(pending_);
  }
  for (auto& fn : batch) fn();
}

void LoopPoster::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
  }
  Drain();
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

}  // namespace vigil
