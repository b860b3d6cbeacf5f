#include "store/crash_report_ledger.h"

#include <set>

namespace vigil {

Result<std::map<std::string, LedgerEntry>> SeeUnsentReports(SqlConnection& ledger, const std::string& database,
                                                           const std::vector<std::string>& ids, int64_t now_us) {
  std::map<std::string, LedgerEntry> out;
  Status st = InTransaction(ledger, true, [&]() -> Status {
    for (const auto& id : ids) {
      auto r = ledger.Query("INSERT INTO vigil_crash_report_ledger (database_label, report_id, first_seen_at) VALUES ($1, $2, $3)"
                            " ON CONFLICT (database_label, report_id) DO NOTHING",
                            {database, id, now_us});
      if (!r.ok()) return r.status();
    }
    auto rows = ledger.Query("SELECT report_id, first_seen_at, given_up_at FROM vigil_crash_report_ledger WHERE database_label = $1",
                             {database});
    if (!rows.ok()) return rows.status();
    std::set<std::string> unsent(ids.begin(), ids.end());
    for (const auto& row : rows->rows) {
      std::string id = row.Text(0);
      if (!unsent.count(id)) {
        // Sent since (by this daemon or another), or removed by the platform: nothing to keep.
        auto gone = ledger.Query("DELETE FROM vigil_crash_report_ledger WHERE database_label = $1 AND report_id = $2",
                                 {database, id});
        if (!gone.ok()) return gone.status();
        continue;
      }
      out[id] = {row.Int(1), row.IsNull(2) ? 0 : row.Int(2)};
    }
    return Status::Ok();
  });
  if (!st.ok()) return st.WithContext("vigil_crash_report_ledger");
  return out;
}

Status ForgetReports(SqlConnection& ledger, const std::string& database, const std::vector<std::string>& ids) {
  return InTransaction(ledger, true, [&]() -> Status {
    for (const auto& id : ids) {
      auto r = ledger.Query("DELETE FROM vigil_crash_report_ledger WHERE database_label = $1 AND report_id = $2", {database, id});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  }).WithContext("vigil_crash_report_ledger");
}

Status GiveUpReports(SqlConnection& ledger, const std::string& database, const std::vector<std::string>& ids,
                     int64_t now_us) {
  return InTransaction(ledger, true, [&]() -> Status {
    for (const auto& id : ids) {
      auto r = ledger.Query("UPDATE vigil_crash_report_ledger SET given_up_at = $3 WHERE database_label = $1 AND"
                            " report_id = $2 AND given_up_at IS NULL",
                            {database, id, now_us});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  }).WithContext("vigil_crash_report_ledger");
}

}  // namespace vigil
