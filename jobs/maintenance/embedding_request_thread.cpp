#include "jobs/maintenance/embedding_request_thread.h"

#include <chrono>

namespace vigil {

EmbeddingRequestThread::EmbeddingRequestThread(EmbeddingProvider& provider, const CancelToken* cancel)
    : provider_(provider), cancel_(cancel), thread_([this] { Loop(); }) {}

EmbeddingRequestThread::~EmbeddingRequestThread() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !in_flight_; });
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EmbeddingRequestThread::Start(std::vector<std::string> texts) {
  std::unique_lock<std::mutex> lock(mu_);
  request_ = std::move(texts);
  answer_.reset();
  in_flight_ = true;
  cv_.notify_all();
  // Until the request thread has the request: on a busy machine a woken thread may wait for a
  // core while the owner writes, and the request would then leave after the write, not before.
  cv_.wait(lock, [&] { return !request_.has_value(); });
}

TimedEmbedAnswer EmbeddingRequestThread::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !in_flight_; });
  TimedEmbedAnswer out = std::move(*answer_);
  answer_.reset();
  return out;
}

void EmbeddingRequestThread::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || request_.has_value(); });
    if (!request_) return;  // stopping, nothing left to send
    std::vector<std::string> texts = std::move(*request_);
    request_.reset();
    cv_.notify_all();  // Start returns
    lock.unlock();
    auto start = std::chrono::steady_clock::now();
    TimedEmbedAnswer done{provider_.Request(texts, cancel_), 0};
    done.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    lock.lock();
    answer_ = std::move(done);
    in_flight_ = false;
    cv_.notify_all();
  }
}

}  // namespace vigil
