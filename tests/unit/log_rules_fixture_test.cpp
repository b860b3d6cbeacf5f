// Log rules against real log excerpts (fail2ban's test files in tests/fixtures/logs): every
// line annotated `# failJSON:` in a file's default section must match or not as it says, and the
// `host` capture must be the annotated host. Annotations a single line cannot decide (a failure
// whose host is on an earlier line of the same connection, or a mode-dependent "constraint") are
// counted, listed on failure, and must stay few.
#include <gtest/gtest.h>

#include <sstream>

#include "config/config.h"
#include "sources/log/log_watcher_spec.h"
#include "sources/watcher_checks.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

// The rules a deployment would write for sshd, nginx basic auth and apache auth failures.
const char* kRulesYaml = R"YAML(
watchers:
  - name: auth
    type: log
    paths: [/var/log/auth.log]
    rules:
      - name: ssh-auth-failure
        match: '[Aa]uthentication (?:failure|error) for (?:illegal user )?(?P<user>.*?) from (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)(?: via \S+)?\s*$'
        title: 'ssh: authentication failure for {{user}} from {{host}}'
      - name: ssh-failed
        match: 'Failed (?:(?:password|keyboard-interactive(?:/pam)?|hostbased) for (?:invalid user )?|publickey for invalid user )(?P<user>.*?) from (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)(?: port \d+)?(?: ssh\d)?(?::|$)'
        title: 'ssh: failed login for {{user}} from {{host}}'
      - name: ssh-root-refused
        match: 'ROOT LOGIN REFUSED FROM (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)'
      - name: ssh-invalid-user
        match: '[Ii](?:llegal|nvalid) user (?P<user>.*?) from (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)(?: port \d+)?\s*$'
      - name: ssh-not-allowed
        match: 'User (?P<user>\S+) from (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+) not allowed because'
      - name: ssh-refused-connect
        match: 'refused connect from \S+ \((?:::ffff:)?(?P<host>[^)]+)\)'
      - name: ssh-disconnect
        match: 'Received disconnect from (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)(?: port \d+)?: ?(?:3: .*: Auth fail|11: .*\[preauth\])'
      - name: ssh-unknown-user
        match: 'User not known to the underlying authentication module for (?:illegal user )?(?P<user>\S+) from (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)'
      - name: ssh-max-attempts
        match: 'maximum authentication attempts exceeded for (?:invalid user )?(?P<user>\S+) from (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)'
      - name: ssh-preauth-closed
        match: 'Connection closed by (?:::ffff:)?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+) \[preauth\]'
      - name: nginx-auth
        match: '\[error\] \d+#\d+: \*\d+ (?:user "(?P<user>[^"]+|.*?)":? (?:password mismatch|was not found in "[^"]*")|PAM: user ''(?P<pam_user>[^'']+)'' - not authenticated: Authentication failure), client: (?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+), server: \S*, request: "\S+ \S+ HTTP/\d+(?:\.\d+)?", host: "[^"]+"(?:, referrer: "\S+")?\s*$'
      - name: apache-auth
        match: '^\[[^\]]+\] \[(?:(?:auth\w*|authz\w*|ssl|access_compat|core):)?error\](?: \[pid [^\]]+\])? \[(?:client|remote) \[?(?P<host>[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F]|[\w.-]+)\]?(?::\d+)?\] (?:AH\d+: )?(?:Digest: )?(?:user .*? not found|user .*?: (?:authentication failure|password mismatch|authorization failure)|client denied by server configuration|client used wrong authentication scheme|Authorization of user .* failed|invalid qop|invalid nonce \S+ received - (?:length is not|user attempted time travel)|realm mismatch|unknown algorithm|Hostname \S+ provided via SNI|No hostname was provided via SNI)'
)YAML";

struct Annotated {
  int line_number;
  nlohmann::json expect;
  std::string line;
};

// The annotated lines of a fixture's default section: up to the first `# filterOptions` that is
// not the file's first line (later sections are for other filter modes).
std::vector<Annotated> AnnotatedLines(const std::string& name) {
  std::istringstream in(testing::ReadFixture("logs/" + name));
  std::vector<Annotated> out;
  std::string line;
  nlohmann::json pending;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.rfind("# filterOptions", 0) == 0 && n > 1) break;
    if (line.rfind("# failJSON:", 0) == 0) {
      pending = nlohmann::json::parse(line.substr(11));
    } else if (!pending.is_null() && !line.empty() && line[0] != '#') {
      out.push_back({n, pending, line});
      pending = nullptr;
    }
  }
  return out;
}

class LogRulesOnFixtures : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto config = ParseConfig(kRulesYaml, "/tmp/vigil.yaml");
    ASSERT_TRUE(config.ok()) << config.error();
    config_ = *config;
    auto spec = ParseLogWatcherSpec(*config_, config_->tree()["watchers"][0], 0);
    ASSERT_TRUE(spec.ok()) << spec.error();
    spec_ = std::move(*spec);
  }
  std::shared_ptr<const Config> config_;
  LogWatcherSpec spec_;
};

TEST_P(LogRulesOnFixtures, EveryAnnotatedLineMatchesAsAnnotated) {
  auto lines = AnnotatedLines(GetParam());
  ASSERT_GE(lines.size(), 7u) << "fixture missing or unreadable";
  int checked = 0;
  std::vector<std::string> undecidable;
  for (const auto& a : lines) {
    bool expect = a.expect.value("match", false);
    std::string host = a.expect.value("host", "");
    if (a.expect.contains("constraint") || (expect && !host.empty() && a.line.find(host) == std::string::npos)) {
      undecidable.push_back(std::to_string(a.line_number) + ": " + a.line);
      continue;
    }
    auto m = spec_.rules.Match(a.line);
    EXPECT_EQ(m.has_value(), expect) << GetParam() << ":" << a.line_number << ": " << a.line;
    if (m && expect && !host.empty()) {
      EXPECT_EQ(m->captures.value("host", ""), host) << GetParam() << ":" << a.line_number;
    }
    ++checked;
  }
  EXPECT_GT(checked, 5);
  EXPECT_LE(undecidable.size(), 6u) << ::testing::PrintToString(undecidable);
}

INSTANTIATE_TEST_SUITE_P(Fail2banExcerpts, LogRulesOnFixtures,
                         ::testing::Values("sshd.log", "nginx-http-auth.log", "apache-auth.log"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find_first_of(".-"));
                         });

TEST(LogRules, CapturesNamedGroupsIntoTheTitle) {
  auto config = ParseConfig(kRulesYaml, "/tmp/vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  auto spec = ParseLogWatcherSpec(**config, (*config)->tree()["watchers"][0], 0);
  ASSERT_TRUE(spec.ok()) << spec.error();
  auto m = spec->rules.Match("Feb 25 14:34:10 belka sshd[31602]: Failed password for invalid user ROOT from 194.117.26.69 port 50273 ssh2");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rule->name, "ssh-failed");
  EXPECT_EQ(m->captures["user"], "ROOT");
  EXPECT_EQ(m->captures["host"], "194.117.26.69");
}

}  // namespace
}  // namespace vigil
