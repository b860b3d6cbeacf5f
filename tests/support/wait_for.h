// WaitFor: the one way a test waits for something that happens on another thread or in another
// process. It polls `condition` until it returns true or `timeout` passes, and returns whether
// it held, so a test asserts on the condition itself instead of sleeping and hoping:
//
//   ASSERT_TRUE(testing::WaitFor([&] { return Count("...") == 5; }, 20s)) << daemon.Stderr();
//
// A sleep is only for a stimulus of a given length (an outage of 1.5 s), never before an assert.
#pragma once

#include <chrono>
#include <thread>

namespace vigil::testing {

template <class Condition>
bool WaitFor(Condition&& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace vigil::testing
