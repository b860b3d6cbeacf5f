// LoopPoster: runs closures on the loop thread, posted from any thread (STYLE.md 5: results of
// blocking work come back to the loop through uv_async).
//
// Threads: Post() from any thread; the closures run on the loop thread in post order. Close() on
// the loop thread; closures posted after Close() are dropped.
#pragma once

#include <uv.h>

#include <functional>
#include <mutex>
#include <vector>

namespace vigil {

class LoopPoster {
 public:
  explicit LoopPoster(uv_loop_t* loop);
  ~LoopPoster();  // Close() must have been called and the loop run until the handle closed
  LoopPoster(const LoopPoster&) = delete;
  LoopPoster& operator=(const LoopPoster&) = delete;

  void Post(std::function<void()> fn);
  void Close();

 private:
  static void OnAsync(uv_async_t* handle);
  void Drain();

  uv_async_t async_;
  std::mutex mu_;
  std::vector<std::function<void()>> pending_;
  bool closed_ = false;
};

}  // namespace vigil
