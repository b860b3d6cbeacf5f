// DbThread: one thread that owns one database connection and runs submitted tasks on it in order.
// The request path (health checks, the admin API, the webhook writer) uses it so that the loop
// thread never touches the database. A lost connection is reopened with backoff; while it is
// down, tasks run with a null connection and must answer "unavailable".
//
// Threads: Submit() from any thread; tasks run on the DbThread; Stop() joins it after the queue
// drains.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/reconnect.h"
#include "store/sql.h"

namespace vigil {

class DbThread {
 public:
  using Task = std::function<void(SqlConnection* db)>;

  DbThread(SqlTarget target, std::string name);
  ~DbThread();  // stops and joins
  DbThread(const DbThread&) = delete;
  DbThread& operator=(const DbThread&) = delete;

  void Submit(Task task);
  // Runs every queued task, then joins.
  void Stop();
  // Tasks waiting (for backpressure decisions).
  size_t queued() const;

 private:
  void Run();
  SqlConnection* EnsureConnection();

  Reconnect reconnect_;
  std::unique_ptr<SqlConnection> conn_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil
