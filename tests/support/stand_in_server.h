// StandInServer: the one stand-in for a remote that vigil talks to (a webhook receiver, Slack, an
// LLM or embedding provider, Crossref, PubMed, arXiv, a feed host, the platform's API, a crash
// report endpoint): the real HttpServer on 127.0.0.1 (HttpServerFixture owns the loop and the
// teardown check), and one record of every request that arrived, with its arrival time.
//
// It answers two ways, which a test may mix: routes by path prefix (Serve; the longest prefix
// wins), and a script that answers the n-th request (counted from 0 over every arrival),
// optionally after a delay. A request no route takes goes to the script; with neither, 404.
//
// Threads: routes and the script run on the server's loop thread, outside the lock; tests set
// them and read the record from the test thread, so every access goes through `mu_`.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/http_server_fixture.h"

namespace vigil::testsupport {

struct ScriptedAnswer {
  HttpResponse response;
  uint64_t delay_ms = 0;  // sent from a loop timer this much later (0: at once)
};

// A request as it arrived, and when.
struct Arrival : HttpRequest {
  std::chrono::steady_clock::time_point at;

  // The first header with this name, compared case-insensitively; "" when absent.
  std::string HeaderValue(std::string_view name) const;
};

class StandInServer : public HttpServerFixture {
 protected:
  using Route = std::function<HttpResponse(const HttpRequest& request)>;
  using Script = std::function<ScriptedAnswer(const HttpRequest& request, int index)>;

  // Listens on 127.0.0.1:`port` (0: a free port, then in port()). Routes and the script may be
  // set before or after.
  void StartStandIn(int port = 0);
  // Listens on a free port, answering by `script`.
  void StartStandIn(Script script);

  // Requests whose path starts with `prefix` go to `route`.
  void Serve(const std::string& prefix, Route route);
  // Requests no route takes go to `script`.
  void AnswerWith(Script script);

  // "http://127.0.0.1:<port>" followed by `path` (which may carry a query).
  std::string Url(const std::string& path = "") const;
  // What arrived so far whose path starts with `prefix`, in arrival order.
  std::vector<Arrival> Arrivals(const std::string& prefix = "");
  // How many requests arrived for exactly `path`.
  int ArrivedCount(const std::string& path);
  // The most requests that were ever waiting for their answer at once.
  int MaxInFlight();
  // Waits until every request has been answered (delayed answers included), so teardown finds
  // no timer running; fails the test after 5 s.
  void WaitForDelayedAnswers();

 private:
  void Handle(HttpRequest&& request, Responder respond);
  ScriptedAnswer Answer(const HttpRequest& request, int index);
  void Answered();

  std::mutex mu_;
  std::map<std::string, Route> routes_;
  Script script_;
  std::vector<Arrival> arrivals_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

}  // namespace vigil::testsupport
