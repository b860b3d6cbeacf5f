// EmbeddingRequestThread: runs EmbeddingProvider::Request on a thread of its own, one request at
// a time, so that the backfill's thread can decode and write the previous answer and read the
// next page while a request is in flight (with a provider that takes time per request, vigil's
// own work then hides behind the wait instead of adding to it).
//
// Threads: one owner thread calls Start and Wait, alternately (Start, Wait, Start, Wait...); the
// provider is used only by the request thread while a request is in flight, and by nobody else
// meanwhile (Decode is const and may run on the owner at the same time). The owner keeps its
// database connections: nothing here touches them. At most one
// request is in flight, so the pipeline is bounded at one batch sent and one being written.
// The destructor waits for a request still in flight (Request sees the cancel token) and joins.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "jobs/maintenance/embedding_provider.h"

namespace vigil {

struct TimedEmbedAnswer {
  EmbedAnswer answer;  // undecoded: the owner decodes it (EmbeddingProvider::Decode)
  double seconds = 0;  // the whole Request call, on the request thread
};

class EmbeddingRequestThread {
 public:
  EmbeddingRequestThread(EmbeddingProvider& provider, const CancelToken* cancel);
  ~EmbeddingRequestThread();
  EmbeddingRequestThread(const EmbeddingRequestThread&) = delete;
  EmbeddingRequestThread& operator=(const EmbeddingRequestThread&) = delete;

  // Sends `texts`; returns once the request thread has taken them, without waiting for the
  // answer. Precondition: no request in flight (Wait was called).
  void Start(std::vector<std::string> texts);
  // Blocks until the request started last is answered (or failed) and returns its outcome.
  TimedEmbedAnswer Wait();

 private:
  void Loop();

  EmbeddingProvider& provider_;
  const CancelToken* cancel_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::vector<std::string>> request_;  // set by Start, taken by the thread
  std::optional<TimedEmbedAnswer> answer_;          // set by the thread, taken by Wait
  bool in_flight_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace vigil
