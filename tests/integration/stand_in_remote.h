// A local HTTP server standing in for a remote service (an embedding provider, Crossref, PubMed,
// arXiv, a web page): routes by path, and a record of every request that arrived (path, query,
// body), for the maintenance job tests. Parameterised by database dialect.
//
// Threads: routes run on the fixture's loop thread; tests read the record from the test thread,
// so both go through `mu_`.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/http_server_fixture.h"

namespace vigil::testing {

using Route = std::function<HttpResponse(const HttpRequest&)>;

struct Arrival {
  std::string path;
  std::string query;
  std::string body;
};

class StandInRemote : public testsupport::HttpServerFixture, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartServer([this](HttpRequest&& req, Responder respond) {
      Route route;
      {
        std::lock_guard<std::mutex> lock(mu_);
        arrivals_.push_back({req.path, req.query, req.body});
        for (const auto& [prefix, r] : routes_) {
          if (req.path.starts_with(prefix)) route = r;  // longest prefix wins: map order, later is longer
        }
      }
      respond(route ? route(req) : HttpResponse::Text(404, "no route"));
    });
  }
  // Requests whose path starts with `prefix` go to `route`.
  void Serve(const std::string& prefix, Route route) {
    std::lock_guard<std::mutex> lock(mu_);
    routes_[prefix] = std::move(route);
  }
  std::vector<Arrival> Arrivals(const std::string& prefix = "/") {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Arrival> out;
    for (const auto& a : arrivals_) {
      if (a.path.starts_with(prefix)) out.push_back(a);
    }
    return out;
  }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port()); }

 private:
  std::mutex mu_;
  std::map<std::string, Route> routes_;
  std::vector<Arrival> arrivals_;
};

}  // namespace vigil::testing
