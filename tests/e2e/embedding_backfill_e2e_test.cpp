// `vigil jobs run embedding_backfill --once` through the built binary, killed with SIGKILL while
// a request to the provider is in flight, then run again: every message ends with exactly one
// embedding, no row committed before the kill is sent to the provider again (at most the
// in-flight batch and the answered one whose write had not committed yet are: the pass writes
// batch N while batch N+1 is in flight), and a third run sends nothing. The provider is a local OpenAI-compatible
// stand-in that answers each request after a delay and records the texts it was sent; the
// platform's tables (seeds/001) live in vigil's own database, SQLite or the real PostgreSQL.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "jobs/maintenance/local_embedder.h"
#include "tests/support/daemon_process.h"
#include "tests/support/embedding_stand_in.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

constexpr int kRows = 200;
constexpr int kBatch = 10;
constexpr int kPage = 40;
constexpr uint64_t kAnswerDelayMs = 150;

class EmbeddingBackfillE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    Status s = testing::CreateMessageTables(*conn_);
    ASSERT_TRUE(s.ok()) << s.message();
    s = testing::InsertMessages(*conn_, kRows, "note");
    ASSERT_TRUE(s.ok()) << s.message();
    StartStandIn([](const HttpRequest& req, int) { return Embeddings(req); });
  }

  std::string WriteConfig() {
    return process_dir_.Write("vigil.yaml", "database:\n  url: " + db_.url() +
                                                "\njobs:\n  embedding_backfill:\n    page_size: " + std::to_string(kPage) +
                                                "\n    provider:\n      kind: openai\n      base_url: http://127.0.0.1:" +
                                                std::to_string(port()) + "/v1\n      model: text-embedding-3-small\n"
                                                "      api_key: sk-test\n      batch_size: " + std::to_string(kBatch) + "\n");
  }

  static std::optional<std::vector<std::string>> Texts(const HttpRequest& req) { return testsupport::EmbeddingRequestTexts(req); }
  // Answers every input with an 8-float vector after kAnswerDelayMs.
  static testsupport::ScriptedAnswer Embeddings(const HttpRequest& req) { return testsupport::AnswerEmbeddings(req, 8, kAnswerDelayMs); }

  // The texts of each well-formed request the provider received, in arrival order.
  std::vector<std::vector<std::string>> Requests() {
    std::vector<std::vector<std::string>> out;
    for (const auto& a : Arrivals()) {
      if (auto texts = Texts(a)) out.push_back(std::move(*texts));
    }
    return out;
  }
  // Waits until the provider has received `n` requests (the n-th is then being answered).
  bool WaitForRequests(size_t n) {
    return testing::WaitFor([&] { return Requests().size() >= n; }, 30s);
  }
  int64_t Count(const std::string& sql) {
    auto r = conn_->Query(sql);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? r->rows[0].Int(0) : -1;
  }
  // The texts of the messages that have an embedding now.
  std::set<std::string> EmbeddedTexts() {
    auto r = conn_->Query("SELECT m.content FROM messages m JOIN message_embeddings e ON e.message_id = m.id");
    EXPECT_TRUE(r.ok()) << r.error();
    std::set<std::string> out;
    for (const auto& row : r->rows) out.insert(row.Text(0));
    return out;
  }
  nlohmann::json RunOnce(const std::string& config) {
    auto [rc, out] = testing::RunVigil({"jobs", "run", "embedding_backfill", "--once", "--json", "--config", config});
    EXPECT_EQ(rc, 0) << out;
    auto at = out.find("{\"kind\"");
    EXPECT_NE(at, std::string::npos) << out;
    return at == std::string::npos ? nlohmann::json() : nlohmann::json::parse(out.substr(at), nullptr, false);
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  testing::TempDir process_dir_;
};

TEST_P(EmbeddingBackfillE2E, KilledRunResumesWithoutResendingCommittedRowsAndAThirdRunSendsNothing) {
  std::string config = WriteConfig();
  testing::DaemonProcess first;
  ASSERT_TRUE(first.Start({"jobs", "run", "embedding_backfill", "--once", "--json", "--config", config}));
  ASSERT_TRUE(WaitForRequests(7)) << first.Stderr();  // mid-way through the second page, request 7 in flight
  first.Signal(SIGKILL);
  ASSERT_EQ(first.Wait(10s), -SIGKILL) << first.Stderr();

  size_t sent_before_kill = Requests().size();
  std::set<std::string> committed = EmbeddedTexts();
  ASSERT_GE(committed.size(), 5u * kBatch) << "batches answered before the kill were committed";
  ASSERT_LT(committed.size(), size_t(kRows)) << "the kill came mid-run";

  nlohmann::json second = RunOnce(config);
  EXPECT_EQ(second["result"], "done") << second.dump();
  auto requests = Requests();
  size_t items = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    items += requests[i].size();
    if (i < sent_before_kill) continue;
    for (const auto& text : requests[i]) EXPECT_EQ(committed.count(text), 0u) << "committed before the kill, sent again: " << text;
  }
  EXPECT_LE(items, size_t(kRows + 2 * kBatch)) << "all rows plus at most the batch in flight and the one being written at the kill";
  EXPECT_EQ(second["summary"]["targets"][0]["embedded"], kRows - static_cast<int>(committed.size()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), kRows);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT message_id) FROM message_embeddings"), kRows);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings WHERE embedding IS NULL OR embedding_model <> 'text-embedding-3-small'"), 0);

  size_t after_second = Requests().size();
  nlohmann::json third = RunOnce(config);
  EXPECT_EQ(third["result"], "done") << third.dump();
  // The first complete pass was a reconcile pass; until the next is due a pass reads only the
  // rows past the watermark, and there are none.
  EXPECT_EQ(third["summary"]["targets"][0]["pass"], "new_rows");
  EXPECT_EQ(third["summary"]["targets"][0]["scanned"], 0);
  EXPECT_EQ(third["summary"]["targets"][0]["embedded"], 0);
  EXPECT_EQ(Requests().size(), after_second) << "a third run sends nothing";
}

INSTANTIATE_TEST_SUITE_P(Dialects, EmbeddingBackfillE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
