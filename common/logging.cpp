#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>

namespace vigil {
namespace {

// Keeps the last N formatted lines; spdlog serialises calls through base_sink's mutex.
class RingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_capacity(size_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    capacity_ = n;
    while (lines_.size() > capacity_) lines_.pop_front();
  }
  std::vector<std::string> Last(size_t max) {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t n = std::min(max, lines_.size());
    return std::vector<std::string>(lines_.end() - static_cast<long>(n), lines_.end());
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::string line(buf.data(), buf.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    lines_.push_back(std::move(line));
    if (lines_.size() > capacity_) lines_.pop_front();
  }
  void flush_() override {}

 private:
  size_t capacity_ = 300;
  std::deque<std::string> lines_;
};

// One JSON object per line: {"ts":..., "level":..., "logger":..., "msg":...}.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto secs = std::chrono::duration<double>(msg.time.time_since_epoch()).count();
    nlohmann::json j = {{"ts", secs},
                        {"level", spdlog::level::to_string_view(msg.level).data()},
                        {"msg", std::string(msg.payload.begin(), msg.payload.end())}};
    if (msg.logger_name.size() > 0) j["logger"] = std::string(msg.logger_name.begin(), msg.logger_name.end());
    auto text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// sd-daemon(3) priorities: journald reads "<N>" at the start of each line.
class JournalFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    static const char* kPrefix[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", "<6>"};
    const char* p = kPrefix[static_cast<int>(msg.level)];
    dest.append(p, p + 3);
    dest.append(msg.payload.begin(), msg.payload.end());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JournalFormatter>(); }
};

std::shared_ptr<RingSink>& Ring() {
  static auto ring = std::make_shared<RingSink>();
  return ring;
}

}  // namespace

LogFormat EffectiveLogFormat(LogFormat requested) {
  if (requested == LogFormat::kText && std::getenv("JOURNAL_STREAM") != nullptr) return LogFormat::kJournal;
  return requested;
}

bool ParseLogFormat(const std::string& text, LogFormat* out) {
  if (text == "text") *out = LogFormat::kText;
  else if (text == "json") *out = LogFormat::kJson;
  else return false;
  return true;
}

void InitLogging(const LogOptions& options) {
  auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  switch (EffectiveLogFormat(options.format)) {
    case LogFormat::kText:
      console->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v"));
      break;
    case LogFormat::kJson: console->set_formatter(std::make_unique<JsonFormatter>()); break;
    case LogFormat::kJournal: console->set_formatter(std::make_unique<JournalFormatter>()); break;
  }
  auto ring = Ring();
  ring->set_capacity(options.ring_lines);
  ring->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e%z %l %v"));
  auto logger = std::make_shared<spdlog::logger>("vigil", spdlog::sinks_init_list{console, ring});
  logger->set_level(options.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

std::vector<std::string> RecentLogLines(size_t max) { return Ring()->Last(max); }

}  // namespace vigil
