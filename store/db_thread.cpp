#include "store/db_thread.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace vigil {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

DbThread::DbThread(std::string url, int busy_timeout_ms, std::string name)
    : url_(std::move(url)), busy_timeout_ms_(busy_timeout_ms), name_(std::move(name)) {
  thread_ = std::thread([this] { Run(); });
}

DbThread::~DbThread() { Stop(); }

void DbThread::Submit(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

size_t DbThread::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_.size();
}

void DbThread::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

SqlConnection* DbThread::EnsureConnection() {
  if (conn_ && conn_->healthy()) return conn_.get();
  conn_.reset();
  if (NowMs() < next_connect_ms_) return nullptr;
  auto opened = OpenSqlConnection(url_, busy_timeout_ms_);
  if (!opened.ok()) {
    spdlog::warn("{}: database unavailable, retrying in {} ms: {}", name_, backoff_ms_, opened.error());
    next_connect_ms_ = NowMs() + backoff_ms_;
    backoff_ms_ = std::min(backoff_ms_ * 2, 5000);
    return nullptr;
  }
  backoff_ms_ = 100;
  conn_ = std::move(opened.value());
  return conn_.get();
}

void DbThread::Run() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task(EnsureConnection());
  }
}

}  // namespace vigil
