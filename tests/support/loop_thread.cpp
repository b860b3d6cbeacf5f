#include "tests/support/loop_thread.h"

#include <future>
#include <utility>

namespace vigil::testsupport {

LoopThread::LoopThread() {
  uv_loop_init(&loop_);
  async_.data = this;
  uv_async_init(&loop_, &async_, [](uv_async_t* a) { static_cast<LoopThread*>(a->data)->DrainPosted(); });
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

LoopThread::~LoopThread() { Stop(); }

void LoopThread::DrainPosted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void LoopThread::Run(std::function<void()> fn) {
  std::promise<void> ran;
  auto future = ran.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    posted_.push_back([&] {
      fn();
      ran.set_value();
    });
  }
  uv_async_send(&async_);
  future.wait();
}

int LoopThread::Stop(std::function<void(std::function<void()> done)> shutdown) {
  if (stopped_) return close_result_;
  stopped_ = true;
  Run([this, shutdown = std::move(shutdown)] {
    auto close_async = [this] { uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr); };
    if (shutdown) {
      shutdown(close_async);
    } else {
      close_async();
    }
  });
  thread_.join();
  close_result_ = uv_loop_close(&loop_);
  return close_result_;
}

}  // namespace vigil::testsupport
