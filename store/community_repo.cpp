#include "store/community_repo.h"

namespace vigil {

Status ReplaceCommunityDecls(SqlConnection& db, const std::vector<CommunityDecl>& decls) {
  return InTransaction(db, true, [&]() -> Status {
    auto cleared = db.Query("DELETE FROM vigil_community_decls");
    if (!cleared.ok()) return cleared.status();
    for (const auto& d : decls) {
      auto ins = db.Query(
          "INSERT INTO vigil_community_decls (name, display_name, description, purpose, participation_model)"
          " VALUES ($1, $2, $3, $4, $5)",
          {d.name, d.display_name, d.description, d.purpose, d.participation_model});
      if (!ins.ok()) return ins.status().WithContext("declaring community " + d.name);
    }
    return Status::Ok();
  });
}

Result<std::optional<CommunityDecl>> FindCommunityDecl(SqlConnection& db, const std::string& name) {
  auto r = db.Query(
      "SELECT name, display_name, description, purpose, participation_model FROM vigil_community_decls WHERE name = $1", {name});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<CommunityDecl>();
  const SqlRow& row = r->rows[0];
  return std::optional<CommunityDecl>(CommunityDecl{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)});
}

}  // namespace vigil
