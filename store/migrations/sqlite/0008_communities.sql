-- Communities as the config declares them (communities[]: display_name, description, purpose,
-- participation_model), replaced at every start and reload (store/community_repo.h). Whatever
-- path creates a missing `subreddits` row (the watcher sync, an event's intake, any daemon on the
-- database) writes these values; a row that exists is never changed. `purpose` is JSON text.
CREATE TABLE vigil_community_decls (
  name TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  description TEXT NOT NULL,
  purpose TEXT NOT NULL,
  participation_model TEXT NOT NULL
);

