// The platform's tables (seeds/003_ae676da5943e8631.txt, seeds/001's messages and
// message_embeddings, seeds/002's debate sessions) as test fixtures: vigil never creates them, so tests build them from the
// seed's columns (REAL times are DOUBLE PRECISION in PostgreSQL), in either dialect.
#pragma once

#include <string>

#include "common/status.h"
#include "store/sql.h"

namespace vigil::testing {

// conversations, messages, model_runs, token_counters, context_backups.
Status CreateBackupTables(SqlConnection& db);
// crash_sentinel, pending_error_reports (as the platform has them: no created_at), and
// local_settings with its one row, terms not accepted yet (terms_accepted_at NULL).
Status CreateCrashTables(SqlConnection& db);

// seeds/001: messages (all its columns; UUID ids on PostgreSQL, TEXT on SQLite) and
// message_embeddings (embedding REAL[] on PostgreSQL, BLOB on SQLite), empty.
Status CreateMessageTables(SqlConnection& db);
// "00000000-0000-0000-0000-000000000042" for n = 42: a UUID that sorts by n.
std::string MessageRowId(int n);
// Messages 1..rows (ids MessageRowId(i)) in one transaction, content "<prefix> <i>" (every 7th
// with a longer tail).
Status InsertMessages(SqlConnection& db, int rows, const std::string& text_prefix = "message about topic");

// seeds/001: message_citations (all its columns), empty.
Status CreateMessageCitationTable(SqlConnection& db);
// seeds/000: posts, synthesis_memories and memory_annotations with the columns the citation job
// reads and writes (ids UUID on PostgreSQL, TEXT on SQLite; citation lists JSON), empty.
Status CreateMemoryTables(SqlConnection& db);

// seeds/002: sessions (all its columns: UUID id and timestamptz on PostgreSQL; on SQLite a
// 32-hex id and DATETIME text, as SQLAlchemy stores them) with three debate sessions: one stuck in
// INIT for two hours (id kStuckSessionId), one that just started, one complete.
Status CreateDebateSessions(SqlConnection& db);
inline constexpr const char* kStuckSessionId = "5f0c8a3e9d2b4c1a8e7f6a5b4c3d2e1f";
// A query for the sessions in INIT for more than 30 minutes (columns id as 32 hex, status,
// original_prompt), as `dialect` ("sqlite" or "postgres") writes the cut-off.
std::string StuckSessionsQuery(const std::string& dialect);

}  // namespace vigil::testing
