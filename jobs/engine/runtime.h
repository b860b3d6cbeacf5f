// What job handlers share with the daemon: the live config (swapped on reload), the settings
// parsed from it, and the outbound HTTP client. Thread-safe: handlers on worker threads read it.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <memory>
#include <mutex>

#include "common/http/http_client.h"
#include "config/config.h"

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
    parsed_.clear();
  }

  // Typed settings parsed from the live config once per load: the first call after a load or a
  // reload runs `parse` on that config; later calls, from any worker, get the same value until
  // the next set_config. `parse` must be a plain function (its address is the cache key), so one
  // parser gives one cached value; it runs under the runtime's lock, once.
  template <class T>
  std::shared_ptr<const Result<T>> Parsed(Result<T> (*parse)(const Config&)) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto key = reinterpret_cast<void (*)()>(parse);
    auto it = parsed_.find(key);
    if (it == parsed_.end()) {
      it = parsed_.emplace(key, std::make_shared<const Result<T>>(parse(*config_))).first;
    }
    return std::static_pointer_cast<const Result<T>>(it->second);
  }
  // A log_tail pass calls NoteLogPass as it begins reading, on its worker thread; the observer (the
  // daemon's, which hands it to its LogWakeups on the loop) learns that changes seen from this
  // instant on need one more pass. The observer must be quick.
  using LogPassObserver = std::function<void(const std::string& watcher, std::chrono::steady_clock::time_point started)>;
  void set_log_pass_observer(LogPassObserver observer) {
    std::lock_guard<std::mutex> lock(mu_);
    log_pass_observer_ = std::move(observer);
  }
  void NoteLogPass(const std::string& watcher) const {
    auto started = std::chrono::steady_clock::now();
    LogPassObserver observer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      observer = log_pass_observer_;
    }
    if (observer) observer(watcher, started);
  }
  HttpClient* http() const { return http_.get(); }
  void set_http(std::unique_ptr<HttpClient> http) { http_ = std::move(http); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Config> config_;
  mutable std::map<void (*)(), std::shared_ptr<const void>> parsed_;  // parser -> its Result<T>
  std::unique_ptr<HttpClient> http_;
  LogPassObserver log_pass_observer_;
};

}  // namespace vigil
