// context_backup_coverage on a fixture platform database (SQLite and PostgreSQL), with a real
// local chat-completions endpoint serving the shape of tests/fixtures/llm.
#include <gtest/gtest.h>

#include <atomic>

#include "common/http/curl_http_client.h"
#include "config/config.h"
#include "jobs/maintenance/backup_coverage.h"
#include "jobs/maintenance/maintenance_kinds.h"
#include "sources/watcher_checks.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

const char* kKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const char* kOtherKey = "7fYy8ksQMk7K3eKrTAMqI-zC8n2W8pOyXv2fBvR0e4c=";

class BackupCoverageTest : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    pdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = pdb_->Connect();
    ASSERT_TRUE(testing::CreateBackupTables(*db_).ok());
    std::string completion = testing::ReadFixture("llm/openai_chat_completion.json");
    ASSERT_FALSE(completion.empty());
    // The fixture's answer has none of the six sections; `complete_from_` makes the n-th request
    // on (1-based; `n` counts from 0) answer with a whole note instead.
    StartStandIn([this, completion](const HttpRequest&, int n) {
      if (fail_generator_) return testsupport::ScriptedAnswer{HttpResponse::Text(400, "no\n")};
      if (complete_from_ > 0 && n + 1 >= complete_from_) {
        auto j = nlohmann::json::parse(completion);
        j["choices"][0]["message"]["content"] =
            "GOAL:\nfinish\nDECISIONS MADE:\n- none\nCURRENT STATUS:\nok\nACTIVE FILE:\na.py\n"
            "PREFERENCES:\nterse\nRESUME INSTRUCTION:\ngo on";
        return testsupport::ScriptedAnswer{HttpResponse::Json(200, j.dump())};
      }
      return testsupport::ScriptedAnswer{HttpResponse::Json(200, completion)};
    });
  }

  void Exec(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = db_->Query(sql, params);
    ASSERT_TRUE(r.ok()) << r.error() << "\n" << sql;
  }
  void Message(const std::string& id, const std::string& conv, double at, const std::string& text,
               const char* key = kKey) {
    auto k = FernetKey::Parse(key);
    Exec("INSERT INTO messages (message_id, conversation_id, role, content, created_at) VALUES ($1, $2, 'user', $3, $4)",
         {id, conv, FernetEncrypt(*k, text, std::chrono::system_clock::now()), at});
  }
  void Run(const std::string& conv, const std::string& model) {
    Exec("INSERT INTO model_runs (run_id, conversation_id, model_id, created_at) VALUES ($1, $2, $3, 1)",
         {conv + model, conv, model});
  }
  void Backup(const std::string& conv, const std::string& model, double at, int64_t thread) {
    Exec("INSERT INTO context_backups (backup_id, model_id, conversation_id, backup_text, token_estimate, thread_number,"
         " trigger, created_at) VALUES ($1, $2, $3, 'old note', 2, $4, 'manual', $5)",
         {conv + model + std::to_string(thread), model, conv, thread, at});
  }
  // A: claude stale (no backup), gpt-4o fresh. B: gpt-4o stale, one message's token bad.
  // C: llama fresh via token_counters. D: no messages.
  void Seed() {
    Message("a1", "A", 1000, "alpha plan one");
    Message("a2", "A", 1010, "alpha plan two");
    Run("A", "gpt-4o");
    Run("A", "claude");
    Backup("A", "gpt-4o", 1020, 1);
    Message("b1", "B", 2000, "before the backup");
    Message("b2", "B", 2010, "forged words", kOtherKey);
    Message("b3", "B", 2020, "bravo after backup");
    Run("B", "gpt-4o");
    Backup("B", "gpt-4o", 2005, 3);
    Exec("INSERT INTO token_counters (counter_id, model_id, conversation_id, token_estimate, message_count, thread_number,"
         " last_backup_at, updated_at) VALUES ('kb', 'gpt-4o', 'B', 500, 12, 4, 2005, 2020)");
    Message("c1", "C", 3000, "charlie");
    Exec("INSERT INTO token_counters (counter_id, model_id, conversation_id, token_estimate, message_count, thread_number,"
         " last_backup_at, updated_at) VALUES ('kc', 'llama', 'C', 0, 0, 1, 3001, 3001)");
    Backup("C", "llama", 3001, 1);
    Run("D", "mistral");
  }
  std::shared_ptr<const Config> MakeConfig(const std::string& extra = "") {
    std::string yaml = "jobs:\n  context_backup_coverage:\n    database:\n      url: " + pdb_->url() +
                       "\n    fernet_key: " + kKey + "\n    generator:\n      base_url: http://127.0.0.1:" +
                       std::to_string(port()) + "/v1\n      model: gpt-4o-mini\n      api_key: test-key\n" + extra;
    auto c = ParseConfig(yaml, dir_.File("vigil.yaml"));
    EXPECT_TRUE(c.ok()) << c.error();
    return c.ok() ? *c : nullptr;
  }
  MaintenanceOutcome RunJob(const Config& config) {
    HttpClientOptions o;
    o.retry.base_delay = std::chrono::milliseconds(10);
    CurlHttpClient http(o);
    MaintenanceEnv env{config, *db_, http};
    return RunContextBackupCoverage(env);
  }
  int64_t Int(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = db_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TestDb> pdb_;
  std::unique_ptr<SqlConnection> db_;
  std::atomic<bool> fail_generator_{false};
  std::atomic<int> complete_from_{0};
};

TEST_P(BackupCoverageTest, WritesNotesForExactlyTheStalePairs) {
  Seed();
  auto out = RunJob(*MakeConfig());
  ASSERT_EQ(out.next.kind, JobResult::Kind::kDone) << out.summary.dump();
  EXPECT_EQ(out.summary["pairs"], 5);
  EXPECT_EQ(out.summary["valid_before"], 3);
  EXPECT_EQ(out.summary["valid_after"], 5);
  EXPECT_DOUBLE_EQ(out.summary["coverage_before"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(out.summary["coverage_after"].get<double>(), 1.0);
  EXPECT_EQ(out.summary["notes_written"], 2);
  EXPECT_EQ(out.summary["generator"], "chat_completions");
  EXPECT_EQ(out.summary["incomplete_notes"], 2) << "the fixture's answer has no sections, asked twice";
  EXPECT_EQ(Arrivals().size(), 4u) << "one more request per note that lacked sections";
  auto notes = db_->Query("SELECT conversation_id, model_id, thread_number, token_estimate, backup_text FROM context_backups"
                          " WHERE trigger = 'coverage_job_stale' ORDER BY conversation_id, model_id");
  ASSERT_TRUE(notes.ok());
  ASSERT_EQ(notes->rows.size(), 2u);
  EXPECT_EQ(notes->rows[0].Text(0) + "/" + notes->rows[0].Text(1), "A/claude");
  EXPECT_EQ(notes->rows[1].Text(0) + "/" + notes->rows[1].Text(1), "B/gpt-4o");
  EXPECT_EQ(notes->rows[0].Int(2), 1) << "first thread of a pair without backups or counter";
  EXPECT_EQ(notes->rows[1].Int(2), 5) << "one more than the highest of backups (3) and counter (4)";
  for (const auto& row : notes->rows) {
    std::string text = row.Text(4);
    EXPECT_EQ(row.Int(3), static_cast<int64_t>(text.size() / 4));
    EXPECT_NE(text.find("The weather in San Francisco"), std::string::npos) << "the generator's answer";
    EXPECT_EQ(MissingSections(text).size(), 0u) << "every heading is there, marked";
    EXPECT_NE(text.find("GOAL:\n(missing: the generator did not write this section)"), std::string::npos) << text;
  }
}

TEST_P(BackupCoverageTest, AnIncompleteAnswerIsAskedForOnceMore) {
  Seed();
  complete_from_ = 2;  // the first answer lacks sections, every later one is whole
  auto out = RunJob(*MakeConfig());
  ASSERT_EQ(out.next.kind, JobResult::Kind::kDone) << out.summary.dump();
  EXPECT_EQ(out.summary["incomplete_notes"], 0);
  auto requests = Arrivals();
  ASSERT_EQ(requests.size(), 3u) << "the first note asked twice, the second once";
  auto retry = nlohmann::json::parse(requests[1].body)["messages"];
  ASSERT_EQ(retry.size(), 4u) << retry.dump();
  EXPECT_NE(retry[3]["content"].get<std::string>().find("lacks the sections GOAL, DECISIONS MADE"), std::string::npos);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM context_backups WHERE trigger = 'coverage_job_stale' AND backup_text LIKE '%(missing%'"), 0);
}

TEST_P(BackupCoverageTest, ThePreviousNoteGoesToTheGenerator) {
  Seed();
  complete_from_ = 1;
  ASSERT_EQ(RunJob(*MakeConfig()).next.kind, JobResult::Kind::kDone);
  bool carried = false;
  for (const auto& r : Arrivals()) {
    std::string prompt = nlohmann::json::parse(r.body)["messages"][1]["content"];
    if (prompt.find("bravo") != std::string::npos)
      carried = prompt.find("Previous handoff note (carry forward what still holds):\nold note") != std::string::npos;
  }
  EXPECT_TRUE(carried) << "B/gpt-4o's note of thread 3 is carried forward";
}

TEST_P(BackupCoverageTest, WithoutAGeneratorTheNoteIsWrittenLocally) {
  Seed();
  std::string yaml = "jobs:\n  context_backup_coverage:\n    database:\n      url: " + pdb_->url() + "\n    fernet_key: " + kKey + "\n";
  auto config = ParseConfig(yaml, dir_.File("vigil.yaml"));
  ASSERT_TRUE(config.ok()) << config.error();
  auto out = RunJob(**config);
  ASSERT_EQ(out.next.kind, JobResult::Kind::kDone) << out.summary.dump();
  EXPECT_EQ(out.summary["generator"], "extractive");
  EXPECT_EQ(out.summary["notes_written"], 2);
  EXPECT_EQ(out.summary["incomplete_notes"], 0);
  EXPECT_TRUE(Arrivals().empty()) << "no network request";
  auto note = db_->Query("SELECT backup_text FROM context_backups WHERE conversation_id = 'A' AND model_id = 'claude'");
  ASSERT_TRUE(note.ok() && note->rows.size() == 1);
  auto sections = NoteSections(note->rows[0].Text(0));
  EXPECT_EQ(sections["CURRENT STATUS"], "alpha plan two") << note->rows[0].Text(0);
  EXPECT_EQ(sections["GOAL"], "(not stated)");
}

TEST_P(BackupCoverageTest, ResetsAndCreatesTokenCounters) {
  Seed();
  ASSERT_EQ(RunJob(*MakeConfig()).next.kind, JobResult::Kind::kDone);
  EXPECT_EQ(Int("SELECT token_estimate + message_count FROM token_counters WHERE conversation_id = 'B'"), 0);
  EXPECT_EQ(Int("SELECT thread_number FROM token_counters WHERE conversation_id = 'B'"), 5);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM token_counters WHERE conversation_id = 'A' AND model_id = 'claude'"
                " AND thread_number = 1 AND message_count = 0 AND last_backup_at > 3000"), 1);
  EXPECT_EQ(Int("SELECT thread_number FROM token_counters WHERE conversation_id = 'C'"), 1) << "fresh pair untouched";
  EXPECT_EQ(Int("SELECT COUNT(*) FROM token_counters WHERE conversation_id IN ('A', 'D') AND model_id IN ('gpt-4o', 'mistral')"), 0);
}

TEST_P(BackupCoverageTest, SendsOnlyMessagesSinceTheBackupAndSkipsABadToken) {
  Seed();
  auto out = RunJob(*MakeConfig());
  EXPECT_EQ(out.summary["skipped_messages"], 1);
  auto requests = Arrivals();
  ASSERT_EQ(requests.size(), 4u) << "two notes, each asked twice (the fixture's answer lacks sections)";
  std::string b_body;
  for (const auto& r : requests) {
    EXPECT_EQ(r.path, "/v1/chat/completions");
    ASSERT_NE(r.Header("Authorization"), nullptr);
    EXPECT_EQ(*r.Header("Authorization"), "Bearer test-key");
    EXPECT_EQ(nlohmann::json::parse(r.body)["model"], "gpt-4o-mini");
    if (r.body.find("bravo") != std::string::npos) b_body = r.body;
  }
  ASSERT_FALSE(b_body.empty()) << "conversation B's decrypted message reached the generator";
  EXPECT_EQ(b_body.find("before the backup"), std::string::npos);
  EXPECT_EQ(b_body.find("forged words"), std::string::npos);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM context_backups WHERE backup_text LIKE '%alpha plan%' OR backup_text LIKE '%bravo%'"), 0)
      << "no plaintext message is written";
}

TEST_P(BackupCoverageTest, KeepsGoingPastAFailingPair) {
  Seed();
  fail_generator_ = true;
  auto out = RunJob(*MakeConfig());
  EXPECT_EQ(out.summary["failed_pairs"], 2);
  EXPECT_EQ(out.summary["valid_after"], 3);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM context_backups WHERE trigger = 'coverage_job_stale'"), 0);
  EXPECT_EQ(Int("SELECT thread_number FROM token_counters WHERE conversation_id = 'B'"), 4) << "nothing half-written";
}

TEST_P(BackupCoverageTest, UsesMappedTableAndColumnNames) {
  Seed();
  Exec("ALTER TABLE messages RENAME TO chat_messages");
  Exec("ALTER TABLE chat_messages RENAME COLUMN created_at TO ts");
  auto out = RunJob(*MakeConfig("    tables:\n      messages:\n        name: chat_messages\n        columns: {created_at: ts}\n"));
  ASSERT_EQ(out.next.kind, JobResult::Kind::kDone) << out.summary.dump();
  EXPECT_EQ(out.summary["notes_written"], 2);
}

TEST_P(BackupCoverageTest, WaitsWhenTablesAreMissing) {
  Exec("DROP TABLE context_backups");
  auto out = RunJob(*MakeConfig());
  EXPECT_EQ(out.next.kind, JobResult::Kind::kSnooze);
  EXPECT_EQ(out.summary["waiting_for_tables"], nlohmann::json::array({"context_backups"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, BackupCoverageTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
