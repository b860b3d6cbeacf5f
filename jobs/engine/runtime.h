// What job handlers share with the daemon: the live config (swapped on reload) and the outbound
// HTTP client. Thread-safe: handlers on worker threads read it.
#pragma once

#include <memory>
#include <mutex>

#include "config/config.h"
#include "common/http/http_client.h"

namespace vigil {

class Runtime {
 public:
  explicit Runtime(std::shared_ptr<const Config> config) : config_(std::move(config)) {}
  std::shared_ptr<const Config> config() const {
    std::lock_guard<std::mutex> lock(mu_);
    return config_;
  }
  void set_config(std::shared_ptr<const Config> c) {
    std::lock_guard<std::mutex> lock(mu_);
    config_ = std::move(c);
  }
  HttpClient* http() const { return http_.get(); }
  void set_http(std::unique_ptr<HttpClient> http) { http_ = std::move(http); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Config> config_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace vigil
