// What the triage, LLM and delivery tests share: a database (either dialect) with watchers
// synced, events stored from the real fixtures, settings parsed from YAML, and an HTTP client
// with fast retries for loopback receivers.
#pragma once

#include <gtest/gtest.h>

#include "common/http/curl_http_client.h"
#include "config/config.h"
#include "jobs/triage/triage_config.h"
#include "sources/literature/pubmed_parser.h"
#include "sources/watcher_checks.h"
#include "store/event_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/test_db.h"
#include "tests/unit/fixtures_dir.h"
#include "tests/unit/http_client_fixture.h"

namespace vigil::testing {

class TriageEnv {
 public:
  explicit TriageEnv(const std::string& dialect) : db_(dialect), conn_(db_.ConnectMigrated()) { EXPECT_TRUE(conn_); }

  SqlConnection& db() { return *conn_; }
  // Another connection to the same database (another worker, another daemon).
  std::unique_ptr<SqlConnection> Connect() const { return db_.Connect(); }

  // Parses `yaml` (communities, triage, notify, watchers) and, as the daemon does, declares its
  // communities and syncs its watchers.
  TriageSettings Configure(const std::string& yaml) {
    auto config = ParseConfig(yaml, "vigil.yaml");
    EXPECT_TRUE(config.ok()) << config.error();
    if (!config.ok()) return {};
    auto settings = ParseTriageSettings(**config);
    EXPECT_TRUE(settings.ok()) << settings.error();
    if (!settings.ok()) return {};
    Status declared = ReplaceCommunityDecls(*conn_, CommunityDeclsOf(*settings));
    EXPECT_TRUE(declared.ok()) << declared.message();
    std::vector<WatcherDecl> decls;
    for (const auto& w : (*config)->tree().value("watchers", nlohmann::json::array())) {
      decls.push_back({.name = w["name"], .type = w["type"], .community = w.value("community", ""),
                       .auto_create_thread = w.value("auto_create_thread", false),
                       .auto_thread_approval_rate = w.value("auto_thread_approval_rate", 0.8)});
    }
    EXPECT_TRUE(SyncTestWatchers(*conn_, decls));
    return *settings;
  }

  // Stores `event` for watcher `watcher` (community `community`); returns the event id.
  std::string Store(const std::string& watcher, const std::string& community, Event event) {
    auto watcher_id = WatcherIdByName(*conn_, watcher);
    EXPECT_TRUE(watcher_id.ok() && *watcher_id);
    std::string community_id = TestCommunity(*conn_, community);
    auto r = InsertEvents(*conn_, {{**watcher_id, community_id, std::move(event), {}, false}}, std::chrono::system_clock::now());
    EXPECT_TRUE(r.ok() && (*r)[0].inserted) << (r.ok() ? "" : r.error());
    return r.ok() ? (*r)[0].id : "";
  }

  static Event Pubmed(const std::string& file) {
    auto events = ParsePubmedArticleSet(ReadFixture("pubmed/" + file));
    EXPECT_TRUE(events.ok() && !events->empty());
    return events->at(0);
  }

  int64_t Count(const std::string& sql) { return conn_->Query(sql)->rows[0].Int(0); }
  std::string Text(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->Query(sql, params);
    EXPECT_TRUE(r.ok() && !r->rows.empty()) << (r.ok() ? sql : r.error());
    return r.ok() && !r->rows.empty() ? r->rows[0].Text(0) : "";
  }

 private:
  TestDb db_;
  std::unique_ptr<SqlConnection> conn_;
};

inline std::unique_ptr<HttpClient> LoopbackClient() { return std::make_unique<CurlHttpClient>(TestClientOptions()); }

}  // namespace vigil::testing
