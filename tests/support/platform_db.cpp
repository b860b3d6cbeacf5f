#include "tests/support/platform_db.h"

#include <cstdio>
#include <regex>

namespace vigil::testing {
namespace {

Status Create(SqlConnection& db, std::string sql) {
  if (db.dialect() == "postgres") sql = std::regex_replace(sql, std::regex(" REAL"), " DOUBLE PRECISION");
  return db.ExecScript(sql);
}

}  // namespace

Status CreateBackupTables(SqlConnection& db) {
  return Create(db, R"(
CREATE TABLE conversations (conversation_id TEXT PRIMARY KEY, user_id TEXT, title TEXT, project_id TEXT,
  created_at REAL, updated_at REAL);
CREATE TABLE messages (message_id TEXT PRIMARY KEY, conversation_id TEXT, role TEXT, content TEXT, callout_type TEXT,
  models_used TEXT, accuracy_level TEXT, confidence TEXT, created_at REAL);
CREATE INDEX idx_msg_conv_ts ON messages (conversation_id, created_at DESC);
CREATE TABLE model_runs (run_id TEXT PRIMARY KEY, query_id TEXT, conversation_id TEXT, model_id TEXT, round TEXT,
  raw_response TEXT, utility_score REAL, confidence_score REAL, vcg_welfare_score REAL, vcg_winner INTEGER,
  corrections_applied TEXT, latency_ms REAL, domain TEXT, created_at REAL);
CREATE TABLE token_counters (counter_id TEXT PRIMARY KEY, model_id TEXT, conversation_id TEXT, token_estimate INTEGER,
  message_count INTEGER, thread_number INTEGER, last_backup_at REAL, updated_at REAL, UNIQUE (model_id, conversation_id));
CREATE TABLE context_backups (backup_id TEXT PRIMARY KEY, model_id TEXT, conversation_id TEXT, backup_text TEXT,
  token_estimate INTEGER, thread_number INTEGER, trigger TEXT, created_at REAL);
CREATE INDEX idx_backup_model ON context_backups (model_id, conversation_id);
)");
}

Status CreateCrashTables(SqlConnection& db) {
  return Create(db, R"(
CREATE TABLE crash_sentinel (session_id TEXT PRIMARY KEY, status TEXT, started_at REAL, ended_at REAL,
  system_log_snippet TEXT, api_log_snippet TEXT);
CREATE TABLE pending_error_reports (report_id TEXT PRIMARY KEY, error_type TEXT, error_message TEXT, traceback TEXT,
  context TEXT, sent INTEGER, sent_at REAL);
CREATE TABLE IF NOT EXISTS local_settings (settings_id TEXT PRIMARY KEY, local_enabled INTEGER, verify_enabled INTEGER,
  verify_model_id TEXT, implicit_threshold REAL, content_encrypted INTEGER, terms_accepted_at REAL, user_token TEXT,
  bugs_pat TEXT, skipped_version TEXT);
INSERT INTO local_settings (settings_id) VALUES ('local');
)");
}

Status CreateMessageTables(SqlConnection& db) {
  bool pg = db.dialect() == "postgres";
  std::string id = pg ? "UUID" : "TEXT";
  std::string ts = pg ? "TIMESTAMP" : "DATETIME";
  return db.ExecScript(
      "CREATE TABLE messages (id " + id + " PRIMARY KEY, conversation_id " + id +
      ", agent_name VARCHAR(100), agent_model VARCHAR(100), role VARCHAR(20), content TEXT NOT NULL, sequence_number INTEGER, "
      "round_number INTEGER, turn_index INTEGER, health_score FLOAT, coherence_score FLOAT, relevance_score FLOAT, "
      "has_citations BOOLEAN, citations_verified BOOLEAN, tokens_used INTEGER, response_time_ms INTEGER, metadata " +
      std::string(pg ? "JSONB" : "JSON") + ", created_at " + ts + " NOT NULL);" +
      "CREATE TABLE message_embeddings (id " + id + " PRIMARY KEY, message_id " + id +
      " NOT NULL REFERENCES messages(id) ON DELETE CASCADE, embedding " + std::string(pg ? "REAL[]" : "BLOB") +
      ", embedding_model VARCHAR(100), embedding_version VARCHAR(50), embedded_text TEXT, created_at " + ts + " NOT NULL);" +
      "CREATE INDEX idx_message_embeddings_message ON message_embeddings (message_id);");
}

Status CreateMessageCitationTable(SqlConnection& db) {
  bool pg = db.dialect() == "postgres";
  std::string id = pg ? "UUID" : "TEXT";
  std::string ts = pg ? "TIMESTAMP" : "DATETIME";
  return db.ExecScript("CREATE TABLE message_citations (id " + id + " PRIMARY KEY, message_id " + id +
                       ", citation_text TEXT NOT NULL, source_url VARCHAR(2000), source_title VARCHAR(500), "
                       "source_type VARCHAR(50), start_position INTEGER, end_position INTEGER, verified BOOLEAN, "
                       "verification_method VARCHAR(50), verification_confidence FLOAT, source_quality_score FLOAT, "
                       "relevance_score FLOAT, metadata " + std::string(pg ? "JSONB" : "JSON") + ", created_at " + ts +
                       ", verified_at " + ts + ")");
}

Status CreateMemoryTables(SqlConnection& db) {
  bool pg = db.dialect() == "postgres";
  std::string id = pg ? "UUID" : "TEXT";
  std::string ts = pg ? "TIMESTAMP" : "DATETIME";
  std::string json = pg ? "JSON" : "JSON";
  return db.ExecScript(
      "CREATE TABLE posts (id " + id + " PRIMARY KEY, session_id " + id + ", agent_id VARCHAR(100), content TEXT, stance VARCHAR(50), "
      "citations " + json + ", key_claims " + json + ", novelty_score FLOAT, phase VARCHAR(50), created_at " + ts + ");"
      "CREATE TABLE synthesis_memories (id " + id + " PRIMARY KEY, thread_id " + id + ", subreddit_id " + id +
      ", subreddit_name VARCHAR(100), topic VARCHAR(500), synthesis_content TEXT, key_conclusions " + json + ", citations_used " +
      json + ", agents_involved " + json + ", template_type VARCHAR(50), confidence_level VARCHAR(20), \"timestamp\" " + ts + ");"
      "CREATE TABLE memory_annotations (id " + id + " PRIMARY KEY, memory_id " + id +
      " NOT NULL REFERENCES synthesis_memories(id), annotation_type VARCHAR(50) NOT NULL, content TEXT NOT NULL, "
      "created_by VARCHAR(100), \"timestamp\" " + ts + ");");
}

std::string MessageRowId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012d", n);
  return buf;
}

Status InsertMessages(SqlConnection& db, int rows, const std::string& text_prefix) {
  return InTransaction(db, false, [&]() -> Status {
    for (int i = 1; i <= rows; ++i) {
      std::string text = text_prefix + " " + std::to_string(i) + (i % 7 == 0 ? " with a much longer tail of words" : "");
      auto r = db.Query("INSERT INTO messages (id, role, content, sequence_number, created_at) VALUES ($1, 'agent', $2, $3, $4)",
                        {MessageRowId(i), text, int64_t(i), std::string("2024-12-04 10:00:00")});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
}

Status CreateDebateSessions(SqlConnection& db) {
  bool pg = db.dialect() == "postgres";
  std::string id = pg ? "UUID" : "CHAR(32)";
  std::string ts = pg ? "TIMESTAMP WITH TIME ZONE" : "DATETIME";
  Status s = db.ExecScript("CREATE TABLE sessions (id " + id + " PRIMARY KEY, created_at " + ts + ", completed_at " + ts +
                           ", status VARCHAR(32) NOT NULL, original_prompt TEXT NOT NULL, clarification_questions TEXT,"
                           " clarification_answers TEXT, merged_prompt TEXT, final_synthesis TEXT,"
                           " total_tokens_used INTEGER DEFAULT 0, error_message TEXT);"
                           "CREATE INDEX idx_sessions_status ON sessions (status)");
  if (!s.ok()) return s;
  std::string ago = pg ? "NOW() - INTERVAL '2 hours'" : "strftime('%Y-%m-%d %H:%M:%f', 'now', '-2 hours')";
  std::string now = pg ? "NOW()" : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
  return db.ExecScript("INSERT INTO sessions (id, created_at, completed_at, status, original_prompt) VALUES ('" +
                       std::string(kStuckSessionId) + "', " + ago + ", NULL, 'INIT', 'Is the hypothesis falsifiable?'),"
                       " ('6a1d9b4f0e3c5d2b9f8a7b6c5d4e3f2a', " + now + ", NULL, 'INIT', 'A fresh question'),"
                       " ('7b2eac5a1f4d6e3cab9b8c7d6e5f4a3b', " + ago + ", " + now + ", 'COMPLETE', 'An answered question')");
}

std::string StuckSessionsQuery(const std::string& dialect) {
  std::string cutoff = dialect == "postgres" ? "NOW() - INTERVAL '30 minutes'" : "strftime('%Y-%m-%d %H:%M:%f', 'now', '-30 minutes')";
  return "SELECT replace(CAST(id AS TEXT), '-', '') AS id, status, original_prompt FROM sessions WHERE status = 'INIT'"
         " AND completed_at IS NULL AND created_at < " + cutoff + " ORDER BY id";
}

}  // namespace vigil::testing
