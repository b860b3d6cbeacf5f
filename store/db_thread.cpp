#include "store/db_thread.h"

#include "common/thread_name.h"

namespace vigil {

DbThread::DbThread(SqlTarget target, std::string name)
    : reconnect_(std::move(target), name) {
  thread_ = std::thread([this, name] {
    NameThisThread(name);
    Run();
  });
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
  auto opened = reconnect_.TryOpen();
  if (!opened.ok()) return nullptr;
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
