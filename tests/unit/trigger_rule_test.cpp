#include "sources/webhook/trigger_rule.h"

#include <gtest/gtest.h>

#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using nlohmann::json;

// A GitHub delivery: the fixture body with the event header GitHub sends beside it.
struct Delivery {
  HttpRequest request;
  json payload;
};

Delivery GithubDelivery(const std::string& event, const std::string& fixture) {
  Delivery d;
  d.request.method = "POST";
  d.request.path = "/hooks/github";
  d.request.headers = {{"X-GitHub-Event", event}, {"Content-Type", "application/json"}};
  d.request.body = testing::ReadFixture("webhooks/github/" + fixture);
  d.payload = json::parse(d.request.body);
  return d;
}

json Match(const std::string& type, const std::string& expected, const std::string& source,
           const std::string& name) {
  return {{"match", {{"type", type}, {type == "value" ? "value" : "regex", expected},
                     {"source", source}, {"name", name}}}};
}

// The parsed rule; a rule that fails to parse fails the test and is replaced by one that matches
// nothing, so the test's own expectations still run.
TriggerRule Rule(const json& j) {
  auto rule = TriggerRule::Parse(j, "trigger");
  EXPECT_TRUE(rule.ok()) << rule.error();
  if (rule.ok()) return *rule;
  return *TriggerRule::Parse(Match("value", "never", "header", "X-Never-Sent"), "fallback");
}

json PushToMainRule() {
  return {{"and",
           {Match("value", "push", "header", "X-GitHub-Event"),
            Match("value", "refs/heads/main", "payload", "ref")}}};
}

TEST(TriggerRule, AcceptsPushToMain) {
  // The fixture is a tag push; the same delivery made to main is what the rule is for.
  Delivery d = GithubDelivery("push", "push.json");
  d.payload["ref"] = "refs/heads/main";
  EXPECT_TRUE(Rule(PushToMainRule()).Matches(d.request, d.payload));
}

TEST(TriggerRule, RejectsTagPushForBranchRule) {
  Delivery d = GithubDelivery("push", "push.json");
  EXPECT_FALSE(Rule(PushToMainRule()).Matches(d.request, d.payload));
}

TEST(TriggerRule, AcceptsTagPushByRegex) {
  Delivery d = GithubDelivery("push", "push.json");
  EXPECT_TRUE(Rule(Match("regex", "^refs/tags/", "payload", "ref")).Matches(d.request, d.payload));
}

TEST(TriggerRule, RejectsPushRuleForOtherEvent) {
  Delivery d = GithubDelivery("ping", "ping.json");
  d.payload["ref"] = "refs/heads/main";  // even with the right ref, the event header decides
  EXPECT_FALSE(Rule(PushToMainRule()).Matches(d.request, d.payload));
}

json PullRequestOpenedRule() {
  return {{"and",
           {Match("value", "pull_request", "header", "X-GitHub-Event"),
            {{"or", {Match("value", "opened", "payload", "action"),
                     Match("value", "reopened", "payload", "action")}}},
            {{"not", {{"match", {{"type", "value"}, {"value", true}, {"source", "payload"},
                                 {"name", "/pull_request/draft"}}}}}}}}};
}

TEST(TriggerRule, AcceptsPullRequestOpened) {
  Delivery d = GithubDelivery("pull_request", "pull_request.opened.json");
  EXPECT_TRUE(Rule(PullRequestOpenedRule()).Matches(d.request, d.payload));
}

TEST(TriggerRule, RejectsPullRequestClosed) {
  Delivery d = GithubDelivery("pull_request", "pull_request.closed.json");
  EXPECT_FALSE(Rule(PullRequestOpenedRule()).Matches(d.request, d.payload));
}

TEST(TriggerRule, RejectsDraftPullRequest) {
  Delivery d = GithubDelivery("pull_request", "pull_request.opened.json");
  d.payload["pull_request"]["draft"] = true;
  EXPECT_FALSE(Rule(PullRequestOpenedRule()).Matches(d.request, d.payload));
}

TEST(TriggerRule, BooleanValueMatchesJsonBoolean) {
  json merged = {{"and", {Match("value", "closed", "payload", "action"),
                          {{"match", {{"type", "value"}, {"value", true}, {"source", "payload"},
                                      {"name", "pull_request.merged"}}}}}}};
  Delivery closed = GithubDelivery("pull_request", "pull_request.closed.json");
  EXPECT_FALSE(Rule(merged).Matches(closed.request, closed.payload));  // closed unmerged
  closed.payload["pull_request"]["merged"] = true;
  EXPECT_TRUE(Rule(merged).Matches(closed.request, closed.payload));
}

TEST(TriggerRule, MatchesLabelByArrayIndexAndLabeledEvent) {
  TriggerRule bug_label = Rule(Match("value", "bug", "payload", "label.name"));
  Delivery labeled = GithubDelivery("issues", "issues.labeled.json");
  Delivery opened = GithubDelivery("issues", "issues.opened.json");
  EXPECT_TRUE(bug_label.Matches(labeled.request, labeled.payload));
  EXPECT_FALSE(bug_label.Matches(opened.request, opened.payload));  // no `label` on opened
  TriggerRule first_label = Rule(Match("value", "bug", "payload", "issue.labels.0.name"));
  EXPECT_TRUE(first_label.Matches(labeled.request, labeled.payload));
}

TEST(TriggerRule, AcceptsSuccessfulWorkflowRunOnDefaultBranch) {
  json rule = {{"and", {Match("value", "workflow_run", "header", "X-GitHub-Event"),
                        Match("value", "completed", "payload", "action"),
                        Match("value", "success", "payload", "workflow_run.conclusion"),
                        Match("regex", "^(main|master)$", "payload", "workflow_run.head_branch")}}};
  Delivery d = GithubDelivery("workflow_run", "workflow_run.completed.json");
  EXPECT_TRUE(Rule(rule).Matches(d.request, d.payload));
  d.payload["workflow_run"]["conclusion"] = "failure";
  EXPECT_FALSE(Rule(rule).Matches(d.request, d.payload));
}

TEST(TriggerRule, ExcludesPrereleasesWithNot) {
  json rule = {{"and", {Match("value", "published", "payload", "action"),
                        {{"not", Match("value", "true", "payload", "release.prerelease")}}}}};
  Delivery d = GithubDelivery("release", "release.published.json");
  EXPECT_TRUE(Rule(rule).Matches(d.request, d.payload));
  d.payload["release"]["prerelease"] = true;
  EXPECT_FALSE(Rule(rule).Matches(d.request, d.payload));
}

TEST(TriggerRule, MissingValueIsFalseAndItsNegationTrue) {
  Delivery d = GithubDelivery("push", "push.json");  // no commits
  json first_commit = Match("regex", ".", "payload", "commits.0.id");
  EXPECT_FALSE(Rule(first_commit).Matches(d.request, d.payload));
  EXPECT_TRUE(Rule(json{{"not", first_commit}}).Matches(d.request, d.payload));
  EXPECT_FALSE(Rule(Match("value", "x", "header", "X-Absent")).Matches(d.request, d.payload));
}

TEST(TriggerRule, RegexIsPartialUnlessAnchored) {
  Delivery d = GithubDelivery("ping", "ping.json");
  EXPECT_TRUE(Rule(Match("regex", "dilutes", "payload", "zen")).Matches(d.request, d.payload));
  EXPECT_FALSE(Rule(Match("regex", "^dilutes$", "payload", "zen")).Matches(d.request, d.payload));
}

TEST(TriggerRule, ValueMatchIsExact) {
  Delivery d = GithubDelivery("ping", "ping.json");
  EXPECT_FALSE(Rule(Match("value", "PING", "header", "X-GitHub-Event")).Matches(d.request, d.payload));
  EXPECT_TRUE(Rule(Match("value", "ping", "header", "x-github-event")).Matches(d.request, d.payload));
}

TEST(TriggerRule, MatchesDecodedQueryParameter) {
  Delivery d = GithubDelivery("ping", "ping.json");
  d.request.query = "env=prod+eu&team=a%26b";
  EXPECT_TRUE(Rule(Match("value", "prod eu", "query", "env")).Matches(d.request, d.payload));
  EXPECT_TRUE(Rule(Match("value", "a&b", "query", "team")).Matches(d.request, d.payload));
  EXPECT_FALSE(Rule(Match("value", "prod", "query", "env")).Matches(d.request, d.payload));
}

// Parse errors name the key path.
std::string ParseError(const json& j) {
  auto rule = TriggerRule::Parse(j, "watchers[1].trigger");
  return rule.ok() ? "(parsed)" : rule.error();
}

TEST(TriggerRuleParse, InvalidRegexNamesItsPath) {
  std::string error = ParseError(json{{"and", {Match("value", "push", "header", "X-GitHub-Event"),
                                               Match("regex", "(a", "payload", "ref")}}});
  EXPECT_EQ(error.rfind("watchers[1].trigger.and[1].match.regex: invalid regex: ", 0), 0u) << error;
}

TEST(TriggerRuleParse, RejectsUnknownRuleAndShape) {
  EXPECT_EQ(ParseError(json{{"xor", json::array()}}),
            "watchers[1].trigger.xor: unknown rule (expected and, or, not, match)");
  EXPECT_EQ(ParseError(json{{"and", json::array()}, {"or", json::array()}}),
            "watchers[1].trigger: a rule is a mapping with exactly one of and, or, not, match");
  EXPECT_EQ(ParseError(json{{"or", json::array()}}), "watchers[1].trigger.or: must be a non-empty list of rules");
  EXPECT_EQ(ParseError(json{{"not", {{"or", {"oops"}}}}}),
            "watchers[1].trigger.not.or[0]: a rule is a mapping with exactly one of and, or, not, match");
}

TEST(TriggerRuleParse, ValidatesMatchLeaf) {
  EXPECT_EQ(ParseError(Match("glob", "*", "header", "H")),
            "watchers[1].trigger.match.type: unknown type \"glob\" (expected value, regex)");
  EXPECT_EQ(ParseError(Match("value", "x", "cookie", "H")),
            "watchers[1].trigger.match.source: unknown source \"cookie\" (expected header, query, payload)");
  EXPECT_EQ(ParseError(json{{"match", {{"type", "value"}, {"value", "x"}, {"source", "header"}}}}),
            "watchers[1].trigger.match.name: required");
  EXPECT_EQ(ParseError(json{{"match", {{"type", "value"}, {"value", "x"}, {"regex", "x"}, {"source", "header"},
                                      {"name", "H"}}}}),
            "watchers[1].trigger.match.regex: not used by type value");
  EXPECT_EQ(ParseError(json{{"match", {{"type", "value"}, {"value", "x"}, {"source", "header"}, {"name", "H"},
                                      {"parameter", "p"}}}}),
            "watchers[1].trigger.match.parameter: unknown key (valid keys: type, value, regex, source, name)");
  EXPECT_EQ(ParseError(Match("value", "x", "payload", "a..b")),
            "watchers[1].trigger.match.name: invalid payload path: empty segment in dotted path");
}

}  // namespace
}  // namespace vigil
