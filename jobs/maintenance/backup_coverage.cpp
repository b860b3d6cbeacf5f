#include "jobs/maintenance/backup_coverage.h"

#include <spdlog/spdlog.h>

#include "common/uuid.h"

namespace vigil {

const std::vector<TableDefaults>& BackupCoverageTables() {
  static const std::vector<TableDefaults> kTables = {
      {"messages", {"message_id", "conversation_id", "role", "content", "created_at"}},
      {"model_runs", {"conversation_id", "model_id"}},
      {"token_counters",
       {"counter_id", "model_id", "conversation_id", "token_estimate", "message_count", "thread_number",
        "last_backup_at", "updated_at"}},
      {"context_backups",
       {"backup_id", "model_id", "conversation_id", "backup_text", "token_estimate", "thread_number", "trigger",
        "created_at"}},
  };
  return kTables;
}

nlohmann::json BackupCoverageReport::ToJson() const {
  return {{"pairs", pairs},
          {"valid_before", valid_before},
          {"valid_after", valid_after},
          {"coverage_before", Ratio(valid_before, pairs)},
          {"coverage_after", Ratio(valid_after, pairs)},
          {"notes_written", notes_written},
          {"failed_pairs", failed_pairs},
          {"skipped_messages", skipped_messages},
          {"incomplete_notes", incomplete_notes},
          {"generator", generator},
          {"errors", errors}};
}

Result<std::vector<CoveragePair>> BackupCoverage::ScanPairs() {
  auto pairs_of = [&](const char* table) {
    return "SELECT " + t_.C(table, "conversation_id") + " AS c, " + t_.C(table, "model_id") + " AS m FROM " + t_.T(table) +
           " WHERE " + t_.C(table, "conversation_id") + " IS NOT NULL AND " + t_.C(table, "model_id") + " IS NOT NULL";
  };
  std::string sql =
      "SELECT p.c, p.m, (SELECT MAX(b." + t_.C("context_backups", "created_at") + ") FROM " + t_.T("context_backups") +
      " b WHERE b." + t_.C("context_backups", "conversation_id") + " = p.c AND b." + t_.C("context_backups", "model_id") +
      " = p.m), (SELECT MAX(x." + t_.C("messages", "created_at") + ") FROM " + t_.T("messages") + " x WHERE x." +
      t_.C("messages", "conversation_id") + " = p.c) FROM (" + pairs_of("model_runs") + " UNION " +
      pairs_of("token_counters") + ") p ORDER BY p.c, p.m";
  auto r = db_.Query(sql);
  if (!r.ok()) return r.status().WithContext("reading backup coverage");
  std::vector<CoveragePair> out;
  for (const auto& row : r->rows) {
    CoveragePair p{row.Text(0), row.Text(1), std::nullopt, std::nullopt};
    if (!row.IsNull(2)) p.last_backup = row.Double(2);
    if (!row.IsNull(3)) p.last_message = row.Double(3);
    out.push_back(std::move(p));
  }
  return out;
}

Result<BackupCoverageReport> BackupCoverage::Run(const ProgressFn& progress, const CancelToken* cancel) {
  auto pairs = ScanPairs();
  if (!pairs.ok()) return pairs.status();
  BackupCoverageReport report;
  report.generator = generator_.kind();
  report.pairs = pairs->size();
  std::vector<const CoveragePair*> stale;
  for (const auto& p : *pairs) {
    if (p.valid()) ++report.valid_before;
    else stale.push_back(&p);
  }
  for (size_t i = 0; i < stale.size(); ++i) {
    if (cancel != nullptr && cancel->cancelled()) return Status::Error("cancelled");
    Status s = CoverPair(*stale[i], &report, cancel);
    if (s.ok()) {
      ++report.notes_written;
    } else {
      ++report.failed_pairs;
      report.errors.push_back(stale[i]->conversation_id + "/" + stale[i]->model_id + ": " + s.message());
      spdlog::warn("context_backup_coverage: conversation {} model {}: {}", stale[i]->conversation_id,
                   stale[i]->model_id, s.message());
    }
    if (progress) progress(i + 1, stale.size());
  }
  auto after = ScanPairs();
  if (!after.ok()) return after.status();
  for (const auto& p : *after) report.valid_after += p.valid();
  return report;
}

Result<std::vector<ChatMessage>> BackupCoverage::DecryptedMessagesSince(const CoveragePair& pair,
                                                                        BackupCoverageReport* report) {
  const char* m = "messages";
  auto r = db_.Query("SELECT " + t_.C(m, "message_id") + ", " + t_.C(m, "role") + ", " + t_.C(m, "content") + " FROM " +
                         t_.T(m) + " WHERE " + t_.C(m, "conversation_id") + " = $1 AND " + t_.C(m, "created_at") +
                         " > $2 ORDER BY " + t_.C(m, "created_at") + ", " + t_.C(m, "message_id"),
                     {pair.conversation_id, pair.last_backup.value_or(-1e18)});
  if (!r.ok()) return r.status().WithContext("reading messages");
  std::vector<ChatMessage> out;
  for (const auto& row : r->rows) {
    auto text = FernetDecrypt(key_, row.Text(2));
    if (!text.ok()) {
      ++report->skipped_messages;
      report->errors.push_back(pair.conversation_id + "/" + pair.model_id + ": message " + row.Text(0) +
                               " left out: " + text.error());
      spdlog::warn("context_backup_coverage: message {} of conversation {} left out: {}", row.Text(0),
                   pair.conversation_id, text.error());
      continue;
    }
    out.push_back({row.Text(1) == "assistant" ? "assistant" : "user", std::move(*text)});
  }
  return out;
}

Status BackupCoverage::CoverPair(const CoveragePair& pair, BackupCoverageReport* report, const CancelToken* cancel) {
  auto transcript = DecryptedMessagesSince(pair, report);
  if (!transcript.ok()) return transcript.status();
  auto previous = PreviousNote(pair);
  if (!previous.ok()) return previous.status();
  auto note = generator_.Generate({pair.model_id, std::move(*previous), std::move(*transcript)}, cancel);
  if (!note.ok()) return note.status();
  Status written = WriteNote(pair, note->text);
  if (written.ok() && !note->missing.empty()) {
    ++report->incomplete_notes;
    spdlog::warn("context_backup_coverage: conversation {} model {}: the note lacks {} section(s), stored marked missing",
                 pair.conversation_id, pair.model_id, note->missing.size());
  }
  return written;
}

Result<std::string> BackupCoverage::PreviousNote(const CoveragePair& pair) {
  if (!pair.last_backup) return std::string();
  const char* b = "context_backups";
  auto r = db_.Query("SELECT " + t_.C(b, "backup_text") + " FROM " + t_.T(b) + " WHERE " + t_.C(b, "conversation_id") +
                         " = $1 AND " + t_.C(b, "model_id") + " = $2 ORDER BY " + t_.C(b, "created_at") + " DESC, " +
                         t_.C(b, "thread_number") + " DESC LIMIT 1",
                     {pair.conversation_id, pair.model_id});
  if (!r.ok()) return r.status().WithContext("reading the previous note");
  if (r->rows.empty() || r->rows[0].IsNull(0)) return std::string();
  return r->rows[0].Text(0);
}

Status BackupCoverage::WriteNote(const CoveragePair& pair, const std::string& note) {
  const char* b = "context_backups";
  const char* k = "token_counters";
  std::vector<SqlValue> key = {pair.conversation_id, pair.model_id};
  auto where = [&](const char* table) {
    return " WHERE " + t_.C(table, "conversation_id") + " = $1 AND " + t_.C(table, "model_id") + " = $2";
  };
  return InTransaction(db_, true, [&]() -> Status {
    auto threads = db_.Query("SELECT COALESCE((SELECT MAX(" + t_.C(b, "thread_number") + ") FROM " + t_.T(b) + where(b) +
                                 "), 0), COALESCE((SELECT MAX(" + t_.C(k, "thread_number") + ") FROM " + t_.T(k) +
                                 where(k) + "), 0)",
                             key);
    if (!threads.ok()) return threads.status();
    int64_t next = std::max(threads->rows[0].Int(0), threads->rows[0].Int(1)) + 1;
    double now = UnixSeconds(std::chrono::system_clock::now());
    auto inserted = db_.Query(
        "INSERT INTO " + t_.T(b) + " (" + t_.C(b, "backup_id") + ", " + t_.C(b, "conversation_id") + ", " +
            t_.C(b, "model_id") + ", " + t_.C(b, "backup_text") + ", " + t_.C(b, "token_estimate") + ", " +
            t_.C(b, "thread_number") + ", " + t_.C(b, "trigger") + ", " + t_.C(b, "created_at") +
            ") VALUES ($3, $1, $2, $4, $5, $6, 'coverage_job_stale', $7)",
        {pair.conversation_id, pair.model_id, NewUuid(), note, int64_t(note.size() / 4), next, now});
    if (!inserted.ok()) return inserted.status();
    auto reset = db_.Query("UPDATE " + t_.T(k) + " SET " + t_.C(k, "token_estimate") + " = 0, " +
                               t_.C(k, "message_count") + " = 0, " + t_.C(k, "thread_number") + " = $3, " +
                               t_.C(k, "last_backup_at") + " = $4, " + t_.C(k, "updated_at") + " = $4" + where(k),
                           {pair.conversation_id, pair.model_id, next, now});
    if (!reset.ok() || reset->affected > 0) return reset.status();
    return db_.Query("INSERT INTO " + t_.T(k) + " (" + t_.C(k, "counter_id") + ", " + t_.C(k, "conversation_id") + ", " +
                         t_.C(k, "model_id") + ", " + t_.C(k, "token_estimate") + ", " + t_.C(k, "message_count") + ", " +
                         t_.C(k, "thread_number") + ", " + t_.C(k, "last_backup_at") + ", " + t_.C(k, "updated_at") +
                         ") VALUES ($3, $1, $2, 0, 0, $4, $5, $5)",
                     {pair.conversation_id, pair.model_id, NewUuid(), next, now})
        .status();
  });
}

}  // namespace vigil
