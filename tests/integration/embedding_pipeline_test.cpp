// embedding_backfill's pipeline: the pass decodes and writes an answered batch while the next one
// is at the provider. Observed without timing guesses: another connection holds the destination's
// write lock, so batch 1's write cannot finish, and request 2 still reaches the provider
// meanwhile; batch 1's answer cannot be read, and request 2 has left all the same.
#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/embedding_fixture.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::EmbeddingWorld;

class EmbeddingPipeline : public EmbeddingWorld {
 protected:
  // Another connection's transaction that keeps the backfill's writes waiting until Release.
  void HoldWriteLock() {
    locker_ = db_.Connect();
    ASSERT_TRUE(locker_);
    ASSERT_TRUE(locker_->Begin(/*immediate=*/true).ok());
    if (pg()) {
      ASSERT_TRUE(locker_->ExecScript("LOCK TABLE message_embeddings IN EXCLUSIVE MODE").ok());
    }
  }
  void Release() { ASSERT_TRUE(locker_->Commit().ok()); }

  bool WaitForRequests(size_t n, std::chrono::milliseconds limit) {
    return testing::WaitFor([&] { return Arrivals("/v1/embeddings").size() >= n; }, limit, 5ms);
  }

  std::unique_ptr<SqlConnection> locker_;
};

TEST_P(EmbeddingPipeline, TheNextBatchIsSentWhileTheAnsweredOneIsBeingWritten) {
  CreateMessages(48);  // one page, three batches of 16
  HoldWriteLock();
  BackfillSummary summary;
  std::thread pass([&] { summary = Run(OpenAiConfig()); });
  bool second_sent = WaitForRequests(2, 3s);
  int64_t written = locker_->Query("SELECT COUNT(*) FROM message_embeddings")->rows[0].Int(0);
  size_t sent_while_held = Arrivals("/v1/embeddings").size();
  Release();
  pass.join();
  EXPECT_TRUE(second_sent) << "request 2 waited for batch 1's write";
  EXPECT_EQ(written, 0) << "batch 1 was still being written";
  EXPECT_EQ(sent_while_held, 2u) << "at most one batch in flight beside the one being written";
  ASSERT_EQ(summary.error, "");
  EXPECT_EQ(summary.targets[0].embedded, 48);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT message_id) FROM message_embeddings"), 48);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 48);
}

TEST_P(EmbeddingPipeline, TheNextBatchLeavesBeforeTheAnsweredOneIsDecoded) {
  CreateMessages(48);  // one page, three batches of 16
  garble_at_ = 1;
  BackfillSummary first = Run(OpenAiConfig());
  EXPECT_NE(first.error.find("not JSON"), std::string::npos) << first.error;
  EXPECT_EQ(Arrivals("/v1/embeddings").size(), 2u) << "request 2 left as answer 1 came back, and no later one";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 0);
  garble_at_ = 0;
  BackfillSummary second = Run(OpenAiConfig());
  ASSERT_EQ(second.error, "");
  EXPECT_EQ(second.targets[0].embedded, 48) << "the dropped answers are asked for again";
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT message_id) FROM message_embeddings"), 48);
}

TEST_P(EmbeddingPipeline, APassCancelledWithABatchInFlightWritesWhatWasAnsweredAndResumesAfterIt) {
  CreateMessages(100);
  CancelToken cancel;
  cancel_on_request_ = &cancel;
  cancel_at_ = 3;  // request 3 goes out while batch 2 is being written
  auto first = Run(OpenAiConfig(), &cancel);
  EXPECT_TRUE(first.cancelled);
  int64_t done = Count("SELECT COUNT(*) FROM message_embeddings");
  EXPECT_GE(done, 32) << "batches 1 and 2 were answered before the cancel: both are written";
  cancel_on_request_ = nullptr;
  auto second = Run(OpenAiConfig());
  ASSERT_EQ(second.error, "");
  EXPECT_EQ(second.targets[0].embedded, 100 - done) << "nothing written is embedded again";
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT message_id) FROM message_embeddings"), 100);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 100);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EmbeddingPipeline, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
