#include "tests/support/platform_db.h"

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
)");
}

}  // namespace vigil::testing
