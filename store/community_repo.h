// Communities as the config declares them, for the `subreddits` rows vigil creates (seeds/000).
// A `subreddits` row that exists is the platform's (or one vigil made earlier) and is only read;
// a missing one is created by whichever path first needs it (the watcher sync, an event's intake,
// on any daemon sharing the database), so the declarations are kept in the database
// (vigil_community_decls), replaced from the config at every start and reload, where each of
// those paths finds them (EnsureCommunity, store/watcher_repo.h).
//
// Threads: each caller passes its own connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/sql.h"

namespace vigil {

struct CommunityDecl {
  std::string name;  // subreddits.name
  std::string display_name;
  std::string description;
  std::string purpose = "{}";  // JSON text: thinking type, core questions, decision context
  std::string participation_model = "guided";  // observer | guided | participant | approver
};

// Replaces every declaration with `decls`, in one transaction. Touches no `subreddits` row.
Status ReplaceCommunityDecls(SqlConnection& db, const std::vector<CommunityDecl>& decls);

// The declaration of community `name`, or nullopt when the config declares none.
Result<std::optional<CommunityDecl>> FindCommunityDecl(SqlConnection& db, const std::string& name);

}  // namespace vigil
