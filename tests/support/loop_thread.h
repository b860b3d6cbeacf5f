// LoopThread: a libuv loop running on a background thread, for tests of loop-bound components
// (HttpServer, timers). The test thread posts work with Run() and blocks until it ran on the loop.
//
// Threads: Run() and Stop() are called from the test thread; the closures run on the loop thread.
// One uv_async handle carries the posted closures (guarded by a mutex).
#pragma once

#include <uv.h>

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::testsupport {

class LoopThread {
 public:
  LoopThread();  // initialises the loop and starts the thread
  ~LoopThread();  // Stop() if the test did not
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  uv_loop_t* loop() { return &loop_; }

  // Runs `fn` on the loop thread and waits until it has returned.
  void Run(std::function<void()> fn);

  // Runs `shutdown(done)` on the loop; once the component calls `done`, closes the async handle,
  // lets the loop end, joins the thread and returns uv_loop_close's result (0: no handle left).
  // `shutdown` may be empty (then nothing but the async handle is closed). Idempotent.
  int Stop(std::function<void(std::function<void()> done)> shutdown = nullptr);

 private:
  void DrainPosted();

  uv_loop_t loop_;
  uv_async_t async_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::function<void()>> posted_;
  bool stopped_ = false;
  int close_result_ = 0;
};

}  // namespace vigil::testsupport
