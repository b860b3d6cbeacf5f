#include "tests/support/stand_in_server.h"

#include <strings.h>

#include <algorithm>
#include <utility>

#include "tests/support/wait_for.h"

namespace vigil::testsupport {

std::string Arrival::HeaderValue(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  }
  return "";
}

void StandInServer::StartStandIn(int port) {
  StartServer([this](HttpRequest&& request, Responder respond) { Handle(std::move(request), std::move(respond)); }, {},
              port);
}

void StandInServer::StartStandIn(Script script) {
  AnswerWith(std::move(script));
  StartStandIn();
}

void StandInServer::Serve(const std::string& prefix, Route route) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[prefix] = std::move(route);
}

void StandInServer::AnswerWith(Script script) {
  std::lock_guard<std::mutex> lock(mu_);
  script_ = std::move(script);
}

std::string StandInServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

std::vector<Arrival> StandInServer::Arrivals(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Arrival> out;
  for (const auto& a : arrivals_) {
    if (a.path.starts_with(prefix)) out.push_back(a);
  }
  return out;
}

int StandInServer::ArrivedCount(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(std::count_if(arrivals_.begin(), arrivals_.end(), [&](const Arrival& a) { return a.path == path; }));
}

int StandInServer::MaxInFlight() {
  std::lock_guard<std::mutex> lock(mu_);
  return max_in_flight_;
}

void StandInServer::WaitForDelayedAnswers() {
  bool answered = testing::WaitFor(
      [this] {
        std::lock_guard<std::mutex> lock(mu_);
        return in_flight_ == 0;
      },
      std::chrono::seconds(5));
  if (!answered) ADD_FAILURE() << "a delayed answer never went out";
}

void StandInServer::Handle(HttpRequest&& request, Responder respond) {
  int index = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    index = static_cast<int>(arrivals_.size());
    arrivals_.push_back({request, std::chrono::steady_clock::now()});
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }
  ScriptedAnswer answer = Answer(request, index);
  auto finish = [this, respond = std::move(respond)](HttpResponse response) {
    respond(std::move(response));
    Answered();
  };
  if (answer.delay_ms == 0) {
    finish(std::move(answer.response));
  } else {
    RespondLater(loop(), answer.delay_ms, std::move(finish), std::move(answer.response));
  }
}

ScriptedAnswer StandInServer::Answer(const HttpRequest& request, int index) {
  Route route;
  Script script;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [prefix, r] : routes_) {
      if (request.path.starts_with(prefix)) route = r;  // longest prefix wins: map order, later is longer
    }
    script = script_;
  }
  if (route) return {route(request)};
  if (script) return script(request, index);
  return {HttpResponse::Text(404, "no route")};
}

void StandInServer::Answered() {
  std::lock_guard<std::mutex> lock(mu_);
  --in_flight_;
}

}  // namespace vigil::testsupport
