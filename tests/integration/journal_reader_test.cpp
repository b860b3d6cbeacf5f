// The journal reader and waiter on real journal files that systemd-journal-remote writes (no
// journald runs): matches, cursors, a lost cursor, the budget, binary messages, change notification.
#include "sources/log/journal_reader.h"

#include <gtest/gtest.h>

#include <poll.h>

#include <filesystem>
#include <thread>

#include "common/utf8_cut.h"
#include "sources/log/journal_waiter.h"
#include "sources/log/log_records.h"
#include "tests/support/journal_files.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

using testing::AppendJournal;
using testing::JournalFields;

JournalFields Sshd(const std::string& message, const std::string& priority) {
  return {{"MESSAGE", message}, {"_SYSTEMD_UNIT", "ssh.service"}, {"PRIORITY", priority}, {"_PID", "42"},
          {"_HOSTNAME", "bastion"}, {"SYSLOG_IDENTIFIER", "sshd"}};
}
JournalFields Cron(const std::string& message) { return {{"MESSAGE", message}, {"_SYSTEMD_UNIT", "cron.service"}, {"PRIORITY", "3"}}; }

class JournalReaderTest : public ::testing::Test {
 protected:
  void Append(const std::vector<JournalFields>& entries, const std::string& file = "test.journal") {
    ASSERT_EQ(AppendJournal(dir_.File(file), entries), "");
  }
  JournalRead Read(const std::vector<std::string>& matches, JournalReadOptions options) {
    auto reader = JournalReader::Open({matches, dir_.path()});
    EXPECT_TRUE(reader.ok()) << reader.error();
    if (!reader.ok()) return {};
    auto read = (*reader)->Read(options);
    EXPECT_TRUE(read.ok()) << read.error();
    return read.ok() ? *read : JournalRead{};
  }
  static std::vector<std::string> Messages(const JournalRead& read) {
    std::vector<std::string> out;
    for (const auto& e : read.entries) out.push_back(e.message);
    return out;
  }
  static JournalReadOptions From(std::optional<std::string> cursor) { return {std::move(cursor), false, 10000}; }

  testing::TempDir dir_;
};

TEST_F(JournalReaderTest, ReadsEntriesWithTheirFields) {
  Append({Sshd("Failed password for bob", "4"), Cron("cron ran")});
  JournalRead read = Read({}, From(std::nullopt));
  ASSERT_EQ(read.entries.size(), 2u);
  const JournalEntry& e = read.entries[0];
  EXPECT_EQ(e.message, "Failed password for bob");
  EXPECT_EQ(e.unit, "ssh.service");
  EXPECT_EQ(e.pid, "42");
  EXPECT_EQ(e.priority, "4");
  EXPECT_EQ(e.hostname, "bastion");
  EXPECT_EQ(e.identifier, "sshd");
  EXPECT_GT(e.realtime_us, 1700000000000000);
  EXPECT_TRUE(e.cursor.starts_with("s=")) << e.cursor;
  EXPECT_EQ(read.entries[1].pid, "");  // absent: empty
  EXPECT_FALSE(read.more);
  EXPECT_FALSE(read.cursor_lost);
}

TEST_F(JournalReaderTest, SameFieldMatchesOrAndDifferentFieldsAnd) {
  Append({Sshd("ssh err", "3"), Sshd("ssh info", "6"), Cron("cron err"),
          {{"MESSAGE", "app warning"}, {"_SYSTEMD_UNIT", "app.service"}, {"PRIORITY", "4"}}});
  EXPECT_EQ(Messages(Read({"_SYSTEMD_UNIT=ssh.service", "_SYSTEMD_UNIT=app.service", "PRIORITY=0", "PRIORITY=1", "PRIORITY=2",
                           "PRIORITY=3", "PRIORITY=4"},
                          From(std::nullopt))),
            (std::vector<std::string>{"ssh err", "app warning"}));
}

TEST_F(JournalReaderTest, ACursorResumesAfterItsEntry) {
  Append({Sshd("one", "3"), Sshd("two", "3")});
  JournalRead first = Read({}, From(std::nullopt));
  ASSERT_EQ(first.entries.size(), 2u);
  Append({Sshd("three", "3")});
  EXPECT_EQ(Messages(Read({}, From(first.entries[1].cursor))), std::vector<std::string>{"three"});
  EXPECT_EQ(Messages(Read({}, From(first.entries[0].cursor))), (std::vector<std::string>{"two", "three"}));
}

TEST_F(JournalReaderTest, ACursorWhoseEntryNoLongerMatchesResumesAtTheNextMatchingEntry) {
  Append({Cron("c1"), Sshd("s1", "3"), Cron("c2")});
  JournalRead all = Read({}, From(std::nullopt));
  ASSERT_EQ(all.entries.size(), 3u);
  JournalRead read = Read({"_SYSTEMD_UNIT=cron.service"}, From(all.entries[0].cursor));
  EXPECT_EQ(Messages(read), std::vector<std::string>{"c2"});
  read = Read({"_SYSTEMD_UNIT=cron.service"}, From(all.entries[1].cursor));  // s1 is held but not matched
  EXPECT_FALSE(read.cursor_lost);
  EXPECT_EQ(Messages(read), std::vector<std::string>{"c2"});
}

TEST_F(JournalReaderTest, ACursorOfADeletedFileIsLostAndTheReadStartsAtTheOldestEntry) {
  Append({Sshd("old", "3")}, "old.journal");
  std::string cursor = Read({}, From(std::nullopt)).entries.at(0).cursor;
  std::filesystem::remove(dir_.File("old.journal"));
  Append({Cron("new 1"), Sshd("new 2", "3")}, "new.journal");
  JournalRead read = Read({"_SYSTEMD_UNIT=ssh.service"}, From(cursor));
  EXPECT_TRUE(read.cursor_lost);
  EXPECT_EQ(Messages(read), std::vector<std::string>{"new 2"});
}

TEST_F(JournalReaderTest, StartAtEndGivesTheLastMatchingEntrysCursorAndNoEntries) {
  Append({Sshd("one", "3"), Cron("two")});
  JournalRead read = Read({"_SYSTEMD_UNIT=ssh.service"}, {std::nullopt, true, 10000});
  EXPECT_TRUE(read.entries.empty());
  Append({Sshd("three", "3")});
  EXPECT_EQ(Messages(Read({"_SYSTEMD_UNIT=ssh.service"}, From(read.tail_cursor))), std::vector<std::string>{"three"});
  testing::TempDir empty;
  auto reader = JournalReader::Open({{}, empty.path()});
  ASSERT_TRUE(reader.ok()) << reader.error();
  EXPECT_EQ((*reader)->Read({std::nullopt, true, 10000})->tail_cursor, "");
}

TEST_F(JournalReaderTest, TheBudgetBoundsARead) {
  std::vector<JournalFields> entries;
  for (int i = 0; i < 25; ++i) entries.push_back(Sshd("n " + std::to_string(i), "3"));
  Append(entries);
  JournalRead read = Read({}, {std::nullopt, false, 10});
  EXPECT_EQ(read.entries.size(), 10u);
  EXPECT_TRUE(read.more);
  read = Read({}, {read.entries.back().cursor, false, 10});
  EXPECT_EQ(read.entries.front().message, "n 10");
  read = Read({}, {read.entries.back().cursor, false, 10});
  EXPECT_EQ(read.entries.size(), 5u);
  EXPECT_FALSE(read.more);
}

TEST_F(JournalReaderTest, ABinaryMessageBecomesValidTextCutToTheRecordBound) {
  std::string binary = std::string("bad \xff\xfe byte, a NUL \0 here", 25) + "\n" + std::string(70000, 'y') + "\xc3\xa9";
  Append({{{"MESSAGE", binary}, {"_SYSTEMD_UNIT", "app.service"}}});
  JournalRead read = Read({}, From(std::nullopt));
  ASSERT_EQ(read.entries.size(), 1u);
  const std::string& m = read.entries[0].message;
  EXPECT_TRUE(IsUtf8(m));
  EXPECT_EQ(m.find('\0'), std::string::npos);
  EXPECT_LE(m.size(), kMaxRecordBytes);
  EXPECT_TRUE(m.starts_with("bad \uFFFD\uFFFD byte, a NUL \uFFFD here\n")) << m.substr(0, 40);
}

TEST_F(JournalReaderTest, AMissingDirectoryIsAnErrorOrEmpty) {
  // sd_journal_open_directory refuses a directory that is not there, or opens it with no entry;
  // either way nothing is read and nothing crashes.
  auto reader = JournalReader::Open({{}, dir_.File("missing")});
  if (reader.ok()) {
    auto read = (*reader)->Read(From(std::nullopt));
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(read->entries.empty());
  } else {
    EXPECT_NE(reader.error().find(dir_.File("missing")), std::string::npos) << reader.error();
  }
}

bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

TEST_F(JournalReaderTest, TheWaitersFdWakesOnAppendedEntries) {
  Append({Sshd("before", "3")});
  LogWatcherSpec spec;
  spec.name = "j";
  spec.journal = JournalSpec{{}, dir_.path()};
  auto waiter = JournalWaiter::Open(spec);
  ASSERT_TRUE(waiter.ok()) << waiter.error();
  JournalWaiter& w = **waiter;
  ASSERT_GE(w.fd(), 0);
  while (Readable(w.fd(), 0)) w.Changed();  // what opening the files stirred up
  EXPECT_FALSE(Readable(w.fd(), 200));       // nothing written: nothing to wake for
  Append({Sshd("after", "3")});
  ASSERT_TRUE(Readable(w.fd(), 5000));
  bool changed = false;
  for (int i = 0; i < 20 && !changed; ++i) changed = w.Changed() || (Readable(w.fd(), 100) && w.Changed());
  EXPECT_TRUE(changed);
  Append({Sshd("in a new file", "3")}, "second.journal");  // a rotation: a file comes
  ASSERT_TRUE(Readable(w.fd(), 5000));
  changed = false;
  for (int i = 0; i < 20 && !changed; ++i) changed = w.Changed() || (Readable(w.fd(), 100) && w.Changed());
  EXPECT_TRUE(changed);
  std::chrono::milliseconds timeout = w.Timeout();
  EXPECT_TRUE(timeout.count() == -1 || timeout.count() >= 0);
}

// Entries the watcher's matches leave out wake the fd but ask for no pass; the fallback check's
// call (no notification pending) finds a missed entry of the watcher's.
TEST_F(JournalReaderTest, TheWaiterSignalsOnlyEntriesItsMatchesSelect) {
  Append({Sshd("before", "3")});
  LogWatcherSpec spec;
  spec.name = "j";
  spec.journal = JournalSpec{{"_SYSTEMD_UNIT=ssh.service"}, dir_.path()};
  auto waiter = JournalWaiter::Open(spec);
  ASSERT_TRUE(waiter.ok()) << waiter.error();
  JournalWaiter& w = **waiter;
  while (Readable(w.fd(), 0)) w.Changed();
  EXPECT_FALSE(w.Changed()) << "the entry before the waiter opened is not new";
  Append({Cron("cron ran"), Cron("cron ran again")});
  ASSERT_TRUE(Readable(w.fd(), 5000));
  bool changed = false;
  for (int i = 0; i < 5; ++i) changed = changed || w.Changed() || (Readable(w.fd(), 100) && w.Changed());
  EXPECT_FALSE(changed) << "another unit's entries";
  Append({Cron("cron"), Sshd("ssh", "3"), Sshd("ssh again", "3")});
  changed = false;
  for (int i = 0; i < 50 && !changed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    changed = w.Changed();  // polled, as the fallback check asks, whether or not the fd woke
  }
  EXPECT_TRUE(changed);
  EXPECT_FALSE(w.Changed()) << "a burst is one signal";
}

TEST_F(JournalReaderTest, AWaiterNeedsAJournalWatcher) {
  LogWatcherSpec spec;
  spec.name = "files";
  EXPECT_FALSE(JournalWaiter::Open(spec).ok());
}

}  // namespace
}  // namespace vigil
