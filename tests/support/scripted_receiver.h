// ScriptedReceiver: the stand-in for a remote that vigil sends to (a webhook receiver, Slack, an
// LLM endpoint, the platform's API): the real HttpServer on 127.0.0.1, a script that answers the
// n-th request (counted from 0), optionally after a delay, and a record of what arrived.
//
// Threads: the script runs on the server's loop thread; tests read the record from the test
// thread, so every access goes through `mu_`. Destroying it closes the server and checks that no
// handle is left (the fixture's TearDown does that for tests deriving from ReceiverTest).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <vector>

#include "tests/support/http_server_fixture.h"

namespace vigil::testsupport {

struct ScriptedAnswer {
  HttpResponse response;
  uint64_t delay_ms = 0;
};

// A fixture whose server answers with `script` (set before the first request arrives).
class ReceiverFixture : public HttpServerFixture {
 protected:
  using Script = std::function<ScriptedAnswer(const HttpRequest& request, int index)>;

  void StartReceiver(Script script);
  std::string ReceiverUrl(const std::string& path) const;
  std::vector<HttpRequest> Received();
  // Waits until every delayed answer went out, so teardown finds no timer running.
  void WaitForDelayedAnswers();

 private:
  std::mutex mu_;
  std::vector<HttpRequest> received_;
  Script script_;
  int delayed_pending_ = 0;
};

}  // namespace vigil::testsupport
