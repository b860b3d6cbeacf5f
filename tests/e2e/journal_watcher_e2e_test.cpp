// Journal log watchers through the built binary, on journal files systemd-journal-remote writes
// (no journald runs): entries matched by unit and priority become events with their fields; a
// kill -9 while entries are appended and stored, and a restart, store each entry once; a vacuumed
// cursor resumes at the oldest entry with one warning; config errors from `vigil check`.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/event_counts.h"
#include "tests/support/journal_files.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::JournalFields;

JournalFields Entry(const std::string& unit, const std::string& priority, const std::string& message) {
  return {{"MESSAGE", message}, {"_SYSTEMD_UNIT", unit}, {"PRIORITY", priority}, {"_PID", "4242"},
          {"_HOSTNAME", "bastion"}, {"SYSLOG_IDENTIFIER", "app"}};
}

std::vector<JournalFields> Lines(int from, int to) {
  std::vector<JournalFields> out;
  for (int i = from; i <= to; ++i) out.push_back(Entry("app.service", "3", "line " + std::to_string(i)));
  return out;
}

class JournalWatcherE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    std::filesystem::create_directory(Journal());
    d_.WriteConfig(ConfigEvery("1s"));
  }
  std::string ConfigEvery(const std::string& every) {
    return "database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\n  lease: 6s\n"
           "  shutdown_timeout: 5s\nwatchers:\n  - name: app\n    type: log\n    every: " + every + "\n    start_at: beginning\n"
           "    journal:\n      directory: " + Journal() + "\n      units: [app]\n      priority: warning\n"
           "    rules:\n      - name: line\n        match: '^line (?P<n>\\d+)'\n"
           "        title: '{{unit}}[{{pid}}] {{identifier}} on {{hostname}}: line {{n}} ({{priority}})'\n";
  }
  std::string Journal() { return d_.dir().File("journal"); }
  void Append(const std::vector<JournalFields>& entries, const std::string& file = "test.journal") {
    ASSERT_EQ(testing::AppendJournal(Journal() + "/" + file, entries), "");
  }
  // How many events each line number has.
  std::map<int, int> Seen() { return testing::EventsPerLine(url_); }
  bool WaitFor(size_t lines, std::chrono::milliseconds timeout) {
    return testing::WaitFor([&] { return Seen().size() >= lines; }, timeout, 100ms);
  }
  void ExpectEachOnce(const std::vector<int>& lines) {
    auto seen = Seen();
    for (int i : lines) EXPECT_EQ(seen[i], 1) << "line " << i;
    EXPECT_EQ(seen.size(), lines.size());
  }
  void Stop() {
    d_.Signal(SIGTERM);
    EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();
  }
  static size_t Count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
};

TEST_P(JournalWatcherE2E, EntriesMatchedByUnitAndPriorityBecomeEventsWithTheirFields) {
  Append({Entry("app.service", "3", "line 1"), Entry("app.service", "6", "line 2"), Entry("cron.service", "3", "line 3"),
          Entry("app.service", "4", "line 4"), Entry("app.service", "3", "not a line")});
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitFor(2, 30s)) << d_.Stderr();
  Append({Entry("app.service", "0", "line 5"), Entry("app.service", "7", "line 6")});
  ASSERT_TRUE(WaitFor(3, 30s)) << d_.Stderr();
  std::this_thread::sleep_for(2500ms);  // a stimulus: 2.5 s of further passes, which must add nothing
  ExpectEachOnce({1, 4, 5});
  auto db = OpenSqlConnection(url_);
  ASSERT_TRUE(db.ok());
  auto r = (*db)->Query("SELECT title, source_type, source_id, source_metadata FROM watcher_events ORDER BY title");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->rows[0].Text(0), "app.service[4242] app on bastion: line 1 (3)");
  EXPECT_EQ(r->rows[1].Text(0), "app.service[4242] app on bastion: line 4 (4)");
  EXPECT_EQ(r->rows[2].Text(0), "app.service[4242] app on bastion: line 5 (0)");
  EXPECT_EQ(r->rows[0].Text(1), "log");
  auto meta = nlohmann::json::parse(r->rows[0].Text(3));
  EXPECT_EQ(meta["unit"], "app.service");
  EXPECT_EQ(meta["pid"], "4242");
  EXPECT_EQ(meta["priority"], "3");
  EXPECT_EQ(meta["hostname"], "bastion");
  EXPECT_EQ(meta["identifier"], "app");
  EXPECT_TRUE(meta["timestamp"].get<std::string>().ends_with("Z")) << meta.dump();
  std::string cursor = meta["cursor"];
  EXPECT_EQ(r->rows[0].Text(2), cursor.substr(2, cursor.find(';') - 2) + ":" + cursor.substr(cursor.find(";i=") + 3, 1));
  Stop();
}

// With `every: 1h` only the journal's wait fd can have asked for the passes after the first.
TEST_P(JournalWatcherE2E, AnAppendedEntryIsStoredWithinTwoSecondsUnderEveryOneHour) {
  d_.WriteConfig(ConfigEvery("1h"));
  Append({Entry("app.service", "3", "line 1")});
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitFor(1, 30s)) << d_.Stderr();  // the pass at start
  for (int i = 2; i <= 4; ++i) {
    Append({Entry("cron.service", "3", "line 100"), Entry("app.service", "3", "line " + std::to_string(i))});
    auto appended = std::chrono::steady_clock::now();
    ASSERT_TRUE(WaitFor(static_cast<size_t>(i), 5s)) << d_.Stderr();
    EXPECT_LT(std::chrono::steady_clock::now() - appended, 2s) << "line " << i;
  }
  Append({Entry("app.service", "3", "line 5")}, "second.journal");  // a new file, as journald's rotation makes
  ASSERT_TRUE(WaitFor(5, 2s)) << d_.Stderr();
  ExpectEachOnce({1, 2, 3, 4, 5});
  Stop();
}

TEST_P(JournalWatcherE2E, KillNineWhileEntriesAreAppendedThenRestartStoresEachEntryOnce) {
  Append(Lines(1, 1000));
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  std::atomic<bool> appended{true};
  std::thread writer([&] {
    for (int batch = 0; batch < 20; ++batch) {
      if (!testing::AppendJournal(Journal() + "/test.journal", Lines(1001 + batch * 50, 1050 + batch * 50)).empty()) appended = false;
      std::this_thread::sleep_for(50ms);  // a stimulus: a batch every 50 ms while the daemon reads
    }
  });
  ASSERT_TRUE(WaitFor(1, 30s)) << d_.Stderr();
  std::this_thread::sleep_for(700ms);  // a stimulus: the kill comes while batches are being stored
  d_.Signal(SIGKILL);
  EXPECT_EQ(d_.Wait(5s), -SIGKILL);
  writer.join();
  ASSERT_TRUE(appended);
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  EXPECT_TRUE(WaitFor(2000, 60s)) << Seen().size() << "\n" << d_.Stderr();
  std::this_thread::sleep_for(2500ms);  // a stimulus: 2.5 s of further passes, which must add nothing
  std::vector<int> all;
  for (int i = 1; i <= 2000; ++i) all.push_back(i);
  ExpectEachOnce(all);
  Stop();
}

TEST_P(JournalWatcherE2E, AVacuumedCursorResumesAtTheOldestEntryWithOneWarning) {
  Append(Lines(1, 3), "old.journal");
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitFor(3, 30s)) << d_.Stderr();
  std::filesystem::remove(Journal() + "/old.journal");  // what journald's vacuum does to the oldest file
  Append(Lines(4, 6), "new.journal");
  ASSERT_TRUE(WaitFor(6, 30s)) << d_.Stderr();
  Append(Lines(7, 8), "new.journal");
  ASSERT_TRUE(WaitFor(8, 30s)) << d_.Stderr();
  std::this_thread::sleep_for(2500ms);  // a stimulus: 2.5 s of further passes, which must neither add nor warn
  ExpectEachOnce({1, 2, 3, 4, 5, 6, 7, 8});
  Stop();
  EXPECT_EQ(Count(d_.Stderr(), "the journal no longer holds the entry it had read up to"), 1u) << d_.Stderr();
}

INSTANTIATE_TEST_SUITE_P(Dialects, JournalWatcherE2E, ::testing::ValuesIn(testing::kDialects));

// `vigil check` on a config with one log watcher whose body is `body`: exit code and output.
std::pair<int, std::string> Check(const std::string& body) {
  DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:" + d.dir().File("vigil.db") + "\nwatchers:\n  - name: app\n    type: log\n" + body +
                "    rules:\n      - name: any\n        match: '.'\n");
  return testing::RunVigil({"check", "--config", d.config_path()});
}

TEST(JournalWatcherCheck, ConfigErrorsNameTheKey) {
  auto [code, out] = Check("    paths: [/var/log/app.log]\n    journal:\n      units: [ssh]\n");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("vigil: vigil.yaml:8:7: watchers[0].journal: a log watcher reads files (paths, rotated) or the systemd journal "
                     "(journal), not both; make two watchers"), std::string::npos) << out;
  std::tie(code, out) = Check("    journal:\n      matches: [_SYSTEMD_UNIT=ssh.service, 'unit=ssh']\n");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("vigil: vigil.yaml:7:16: watchers[0].journal.matches: \"unit=ssh\" is not a journal match: FIELD=VALUE, the "
                     "FIELD of A-Z, 0-9 and _ and not starting with a digit (e.g. _SYSTEMD_UNIT=ssh.service)"), std::string::npos) << out;
  std::tie(code, out) = Check("    journal:\n      priority: warn\n");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("vigil: vigil.yaml:7:17: watchers[0].journal.priority: \"warn\" is not a priority: one of emerg, alert, crit, "
                     "err, warning, notice, info, debug, or 0 to 7"), std::string::npos) << out;
  std::tie(code, out) = Check("");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("watchers[0].paths: a log watcher needs paths (a list of files or globs) or journal (e.g. {units: [ssh]}) "
                     "to read the systemd journal"), std::string::npos) << out;
}

TEST(JournalWatcherCheck, AJournalWatcherWithoutPathsPasses) {
  auto [code, out] = Check("    journal:\n      units: [ssh, cron.service]\n      priority: err\n      matches: [SYSLOG_IDENTIFIER=sshd]\n");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("1 log"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil
