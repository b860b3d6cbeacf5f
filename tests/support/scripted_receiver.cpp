#include "tests/support/scripted_receiver.h"

#include <thread>

namespace vigil::testsupport {

void ReceiverFixture::StartReceiver(Script script) {
  script_ = std::move(script);
  StartServer([this](HttpRequest&& request, Responder respond) {
    int index = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      index = static_cast<int>(received_.size());
      received_.push_back(request);
    }
    ScriptedAnswer answer = script_(request, index);
    if (answer.delay_ms == 0) {
      respond(std::move(answer.response));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++delayed_pending_;
    }
    auto done = [this, respond = std::move(respond)](HttpResponse r) {
      respond(std::move(r));
      std::lock_guard<std::mutex> lock(mu_);
      --delayed_pending_;
    };
    RespondLater(loop(), answer.delay_ms, done, std::move(answer.response));
  });
}

std::string ReceiverFixture::ReceiverUrl(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

std::vector<HttpRequest> ReceiverFixture::Received() {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

void ReceiverFixture::WaitForDelayedAnswers() {
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (delayed_pending_ == 0) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "a delayed answer never went out";
}

}  // namespace vigil::testsupport
