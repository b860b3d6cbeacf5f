#include "sources/webhook/webhook_watcher.h"

#include <gtest/gtest.h>

#include "tests/unit/fixtures_dir.h"
#include "tests/unit/webhook_test_requests.h"

namespace vigil {
namespace {

using nlohmann::json;
using testing::GithubRequest;

const char* kSecret = "It's a Secret to Everybody";
const TimePoint kNow = TimePoint(std::chrono::seconds(1700000000));

WebhookWatcher Hook(json extra = json::object()) {
  json w = {{"name", "gh"}, {"type", "webhook"}, {"verify", {{"scheme", "github"}, {"secret", kSecret}}}};
  w.update(extra);
  auto hook = WebhookWatcher::From(w, "watchers[0]");
  EXPECT_TRUE(hook.ok()) << hook.error();
  return std::move(*hook);
}

std::string Fixture(const std::string& name) { return testing::ReadFixture("webhooks/github/" + name + ".json"); }

HookDecision DecideFixture(const WebhookWatcher& hook, const std::string& name, const std::string& delivery = "d-1") {
  std::string event = name.substr(0, name.find('.'));
  return hook.Decide(GithubRequest(kSecret, event, delivery, Fixture(name)), kNow);
}

json Reason(const HookDecision& d) { return json::parse(d.response.body, nullptr, false); }

TEST(WebhookWatcher, AcceptsEverySignedGithubFixtureWithCommonDefaults) {
  WebhookWatcher hook = Hook();
  for (const char* name : {"issues.labeled", "issues.opened", "ping", "pull_request.closed", "pull_request.opened",
                           "push", "release.published", "workflow_run.completed"}) {
    json payload = json::parse(Fixture(name));
    HookDecision d = DecideFixture(hook, name, std::string("delivery-") + name);
    ASSERT_EQ(d.outcome, HookOutcome::kAccepted) << name << ": " << d.response.body;
    const Event& e = d.event;
    EXPECT_EQ(e.source_type, "webhook") << name;
    EXPECT_EQ(e.source_id, std::string("delivery-") + name);
    EXPECT_EQ(e.raw_json, Fixture(name)) << name;  // the body as signed
    EXPECT_TRUE(e.raw_data.is_null()) << name;
    std::string kind = std::string(name).substr(0, std::string(name).find('.'));
    EXPECT_EQ(e.source_metadata["event"], kind) << name;
    EXPECT_EQ(e.source_metadata["repository"], payload["repository"]["full_name"]) << name;
    EXPECT_EQ(e.source_metadata["sender"], payload["sender"]["login"]) << name;
    EXPECT_EQ(e.source_metadata.value("action", ""), payload.value("action", "")) << name;
    EXPECT_TRUE(e.title.starts_with(payload["repository"]["full_name"].get<std::string>() + ": " + kind)) << e.title;
    EXPECT_FALSE(e.source_url.empty()) << name;
  }
}

TEST(WebhookWatcher, PullRequestIdentityGoesIntoMetadata) {
  json payload = json::parse(Fixture("pull_request.opened"));
  HookDecision d = DecideFixture(Hook(), "pull_request.opened");
  ASSERT_EQ(d.outcome, HookOutcome::kAccepted);
  const json& pr = payload["pull_request"];
  EXPECT_EQ(d.event.title, "Codertocat/Hello-World: pull_request opened #2 " + pr["title"].get<std::string>());
  EXPECT_EQ(d.event.summary, pr["body"]);
  EXPECT_EQ(d.event.source_url, pr["html_url"]);
  EXPECT_EQ(d.event.source_metadata["number"], 2);
  EXPECT_EQ(d.event.source_metadata["title"], pr["title"]);
  EXPECT_EQ(d.event.source_metadata["html_url"], pr["html_url"]);
}

TEST(WebhookWatcher, OpenedAndClosedPullRequestAreTwoEventsAboutOneNumber) {
  WebhookWatcher hook = Hook();
  HookDecision opened = DecideFixture(hook, "pull_request.opened", "aaa");
  HookDecision closed = DecideFixture(hook, "pull_request.closed", "bbb");
  EXPECT_NE(opened.event.source_id, closed.event.source_id);
  EXPECT_EQ(opened.event.source_metadata["number"], closed.event.source_metadata["number"]);
  EXPECT_EQ(closed.event.source_metadata["action"], "closed");
}

TEST(WebhookWatcher, IssueDefaults) {
  json issue = json::parse(Fixture("issues.labeled"))["issue"];
  HookDecision d = DecideFixture(Hook(), "issues.labeled");
  EXPECT_EQ(d.event.title, "Codertocat/Hello-World: issues labeled #1 " + issue["title"].get<std::string>());
  EXPECT_EQ(d.event.source_url, issue["html_url"]);
  EXPECT_EQ(d.event.source_metadata["number"], issue["number"]);
}

TEST(WebhookWatcher, PushDefaultsUseRefCompareAndHeadCommit) {
  json payload = json::parse(Fixture("push"));
  HookDecision d = DecideFixture(Hook(), "push");
  EXPECT_EQ(d.event.title, "Codertocat/Hello-World: push refs/tags/simple-tag");
  EXPECT_EQ(d.event.source_url, payload["compare"]);
  EXPECT_EQ(d.event.source_metadata["ref"], "refs/tags/simple-tag");
  EXPECT_EQ(d.event.summary, payload["head_commit"].is_null() ? "" : payload["head_commit"].value("message", ""));
}

TEST(WebhookWatcher, ReleaseTitleFallsBackToTag) {
  json release = json::parse(Fixture("release.published"))["release"];
  HookDecision d = DecideFixture(Hook(), "release.published");
  EXPECT_EQ(d.event.title, "Codertocat/Hello-World: release published 0.0.1");
  EXPECT_EQ(d.event.source_url, release["html_url"]);
}

TEST(WebhookWatcher, WorkflowRunSummaryIsItsConclusion) {
  json run = json::parse(Fixture("workflow_run.completed"))["workflow_run"];
  HookDecision d = DecideFixture(Hook(), "workflow_run.completed");
  EXPECT_EQ(d.event.summary, "success");
  EXPECT_EQ(d.event.source_url, run["html_url"]);
}

TEST(WebhookWatcher, PingSummaryIsTheZen) {
  json payload = json::parse(Fixture("ping"));
  HookDecision d = DecideFixture(Hook(), "ping");
  EXPECT_EQ(d.event.summary, payload["zen"]);
  EXPECT_EQ(d.event.source_url, payload["repository"]["html_url"]);
}

TEST(WebhookWatcher, RejectsBadGithubSignatureWithReason) {
  HttpRequest r = GithubRequest("wrong secret", "push", "d", Fixture("push"));
  HookDecision d = Hook().Decide(r, kNow);
  EXPECT_EQ(d.outcome, HookOutcome::kUnauthorized);
  EXPECT_EQ(d.response.status, 401);
  EXPECT_EQ(Reason(d)["reason"], "signature mismatch");
  EXPECT_EQ(d.response.body.find(kSecret), std::string::npos);
}

TEST(WebhookWatcher, AcceptsLegacySha1Header) {
  std::string body = Fixture("ping");
  HttpRequest r = GithubRequest(kSecret, "ping", "d", body);
  r.headers.pop_back();
  r.headers.emplace_back("X-Hub-Signature", "sha1=" + HexEncode(HmacSha1(kSecret, body)));
  HookDecision d = Hook({{"verify", {{"scheme", "github-sha1"}, {"secret", kSecret}}}}).Decide(r, kNow);
  EXPECT_EQ(d.outcome, HookOutcome::kAccepted) << d.response.body;
  EXPECT_EQ(d.event.source_id, "d");
}

TEST(WebhookWatcher, WrongMethodIs405WithAllow) {
  HttpRequest r = GithubRequest(kSecret, "ping", "d", Fixture("ping"));
  r.method = "PUT";
  HookDecision d = Hook().Decide(r, kNow);
  EXPECT_EQ(d.response.status, 405);
  ASSERT_EQ(d.response.headers.size(), 2u);  // Content-Type, Allow
  EXPECT_EQ(d.response.headers[1], (std::pair<std::string, std::string>{"Allow", "POST"}));
}

TEST(WebhookWatcher, ConfiguredMethodsAreAccepted) {
  HttpRequest r = GithubRequest(kSecret, "ping", "d", Fixture("ping"));
  r.method = "PUT";
  EXPECT_EQ(Hook({{"methods", {"post", "put"}}}).Decide(r, kNow).outcome, HookOutcome::kAccepted);
}

TEST(WebhookWatcher, BodyOverTheHookLimitIs413) {
  std::string body = Fixture("push");
  HookDecision d = Hook({{"max_body_bytes", body.size() - 1}}).Decide(GithubRequest(kSecret, "push", "d", body), kNow);
  EXPECT_EQ(d.response.status, 413);
  EXPECT_EQ(Hook({{"max_body_bytes", body.size()}}).Decide(GithubRequest(kSecret, "push", "d", body), kNow).outcome,
            HookOutcome::kAccepted);
}

TEST(WebhookWatcher, WrongContentTypeIs400WithReason) {
  HttpRequest r = GithubRequest(kSecret, "ping", "d", Fixture("ping"));
  r.headers[0].second = "text/plain";
  HookDecision d = Hook().Decide(r, kNow);
  EXPECT_EQ(d.response.status, 400);
  EXPECT_NE(Reason(d)["reason"].get<std::string>().find("text/plain"), std::string::npos);
}

TEST(WebhookWatcher, MalformedJsonIs400WithReason) {
  HookDecision d = Hook().Decide(GithubRequest(kSecret, "ping", "d", "{\"zen\": "), kNow);
  EXPECT_EQ(d.outcome, HookOutcome::kInvalid);
  EXPECT_EQ(d.response.status, 400);
  EXPECT_FALSE(Reason(d)["reason"].get<std::string>().empty());
}

TEST(WebhookWatcher, UnauthenticatedBodyIsNotParsed) {
  // A bad signature wins over a malformed body: nothing unauthenticated is read.
  HttpRequest r = GithubRequest(kSecret, "ping", "d", "{not json");
  r.headers.back().second = "sha256=00";
  EXPECT_EQ(Hook().Decide(r, kNow).response.status, 401);
}

TEST(WebhookWatcher, TriggerMismatchAnswersTheConfiguredCode) {
  json trigger = {{"match", {{"type", "value"}, {"value", "closed"}, {"source", "payload"}, {"name", "action"}}}};
  HookDecision opened = DecideFixture(Hook({{"trigger", trigger}}), "pull_request.opened");
  EXPECT_EQ(opened.outcome, HookOutcome::kRejected);
  EXPECT_EQ(opened.response.status, 204);
  EXPECT_TRUE(opened.response.body.empty());
  HookDecision other = DecideFixture(Hook({{"trigger", trigger}, {"mismatch_status", 200}}), "pull_request.opened");
  EXPECT_EQ(other.response.status, 200);
  EXPECT_EQ(DecideFixture(Hook({{"trigger", trigger}}), "pull_request.closed").outcome, HookOutcome::kAccepted);
}

TEST(WebhookWatcher, MappingOverridesDefaultsWithPointersAndTemplates) {
  json mapping = {{"title", "{{/repository/full_name}}#{{/number}} by {{header:X-GitHub-Event}}"},
                  {"summary", "/pull_request/state"},
                  {"source_url", "/pull_request/url"},
                  {"metadata", {{"merged", "/pull_request/merged"}, {"additions", "/pull_request/additions"}}}};
  json pr = json::parse(Fixture("pull_request.closed"))["pull_request"];
  HookDecision d = DecideFixture(Hook({{"mapping", mapping}}), "pull_request.closed");
  EXPECT_EQ(d.event.title, "Codertocat/Hello-World#2 by pull_request");
  EXPECT_EQ(d.event.summary, pr["state"]);
  EXPECT_EQ(d.event.source_url, pr["url"]);
  EXPECT_EQ(d.event.source_metadata["merged"], pr["merged"]);       // JSON types kept
  EXPECT_EQ(d.event.source_metadata["additions"], pr["additions"]);
  EXPECT_EQ(d.event.source_metadata["number"], 2);  // defaults still there
}

TEST(WebhookWatcher, DeliveryIdFromConfiguredHeaderOrPointer) {
  HttpRequest r = GithubRequest(kSecret, "pull_request", "gh-id", Fixture("pull_request.opened"));
  r.headers.emplace_back("X-Request-Id", "req-7");
  EXPECT_EQ(Hook({{"delivery_id", "X-Request-Id"}}).Decide(r, kNow).event.source_id, "req-7");
  EXPECT_EQ(Hook({{"delivery_id", "/pull_request/id"}}).Decide(r, kNow).event.source_id, "279147437");
}

TEST(WebhookWatcher, WithoutADeliveryIdTheBodyHashIsTheIdentity) {
  std::string body = Fixture("ping");
  HttpRequest r = GithubRequest(kSecret, "ping", "", body);
  std::string first = Hook().Decide(r, kNow).event.source_id;
  EXPECT_TRUE(first.starts_with("sha256:")) << first;
  EXPECT_EQ(Hook().Decide(r, kNow).event.source_id, first);
  HttpRequest other = GithubRequest(kSecret, "ping", "", body + " ");
  EXPECT_NE(Hook().Decide(other, kNow).event.source_id, first);
}

TEST(WebhookWatcher, WithoutADeliveryIdTheQueryStringIsPartOfTheIdentity) {
  HttpRequest r = GithubRequest(kSecret, "ping", "", "");
  r.query = "build=41";
  HttpRequest next = r;
  next.query = "build=42";
  std::string first = Hook().Decide(r, kNow).event.source_id;
  EXPECT_TRUE(first.starts_with("sha256:")) << first;
  EXPECT_EQ(Hook().Decide(r, kNow).event.source_id, first) << "the same request is a redelivery";
  EXPECT_NE(Hook().Decide(next, kNow).event.source_id, first) << "other parameters are another delivery";
}

TEST(WebhookWatcher, NulCharacterInAStringIs400NotAnEndless503) {
  HookDecision escaped = Hook().Decide(GithubRequest(kSecret, "ping", "d", R"({"zen":"a\u0000b"})"), kNow);
  EXPECT_EQ(escaped.response.status, 400);
  EXPECT_NE(escaped.response.body.find("U+0000"), std::string::npos) << escaped.response.body;
  HookDecision literal = Hook().Decide(GithubRequest(kSecret, "ping", "d", R"({"zen":"a\\u0000b"})"), kNow);
  EXPECT_EQ(literal.outcome, HookOutcome::kAccepted) << "an escaped backslash before u0000 is plain text: " << literal.response.body;
  auto slack = WebhookWatcher::From({{"name", "slack"}, {"verify", {{"scheme", "slack"}, {"secret", "s3"}}}}, "w");
  ASSERT_TRUE(slack.ok());
  HookDecision form = slack->Decide(testing::SlackRequest("s3", 1700000000, "application/x-www-form-urlencoded", "text=a%00b"), kNow);
  EXPECT_EQ(form.response.status, 400) << form.response.body;
}

TEST(WebhookWatcher, StripeEventIdIsTheDeliveryId) {
  std::string body = R"({"id":"evt_1N","type":"invoice.paid","livemode":false,"data":{"object":{"id":"in_9","object":"invoice"}}})";
  auto hook = WebhookWatcher::From({{"name", "stripe"}, {"verify", {{"scheme", "stripe"}, {"secret", "whsec_x"}}}}, "w");
  ASSERT_TRUE(hook.ok()) << hook.error();
  HookDecision d = hook->Decide(testing::StripeRequest("whsec_x", 1700000000, body), kNow);
  ASSERT_EQ(d.outcome, HookOutcome::kAccepted) << d.response.body;
  EXPECT_EQ(d.event.source_id, "evt_1N");
  EXPECT_EQ(d.event.title, "stripe: invoice.paid in_9");
  EXPECT_EQ(d.event.source_metadata["object"], "invoice");
}

TEST(WebhookWatcher, SlackFormPayloadIsReadAndReplayIsRefused) {
  auto hook = WebhookWatcher::From({{"name", "slack"}, {"verify", {{"scheme", "slack"}, {"secret", "s3"}}}}, "w");
  ASSERT_TRUE(hook.ok()) << hook.error();
  std::string body = "payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%7D";
  HookDecision fresh = hook->Decide(testing::SlackRequest("s3", 1700000000, "application/x-www-form-urlencoded", body), kNow);
  ASSERT_EQ(fresh.outcome, HookOutcome::kAccepted) << fresh.response.body;
  EXPECT_EQ(fresh.event.source_metadata["type"], "block_actions");
  EXPECT_EQ(fresh.event.source_metadata["user"], "U1");
  HookDecision replayed =
      hook->Decide(testing::SlackRequest("s3", 1700000000 - 301, "application/x-www-form-urlencoded", body), kNow);
  EXPECT_EQ(replayed.response.status, 401);
}

// Only a JSON body is kept as received: a form has no JSON text to keep, so its payload is.
TEST(WebhookWatcher, FormBodyIsKeptAsItsPayloadNotAsText) {
  auto hook = WebhookWatcher::From({{"name", "slack"}, {"verify", {{"scheme", "slack"}, {"secret", "s3"}}}}, "w");
  ASSERT_TRUE(hook.ok()) << hook.error();
  std::string body = "payload=%7B%22type%22%3A%22block_actions%22%7D";
  HookDecision d = hook->Decide(testing::SlackRequest("s3", 1700000000, "application/x-www-form-urlencoded", body), kNow);
  ASSERT_EQ(d.outcome, HookOutcome::kAccepted) << d.response.body;
  EXPECT_TRUE(d.event.raw_json.empty());
  EXPECT_EQ(d.event.raw_data["type"], "block_actions") << d.event.raw_data.dump();
}

TEST(WebhookWatcher, ConfigErrorsNameTheKeyPath) {
  auto bad_scheme = WebhookWatcher::From({{"name", "x"}, {"verify", {{"scheme", "gitlab"}, {"secret", "s"}}}}, "watchers[3]");
  ASSERT_FALSE(bad_scheme.ok());
  EXPECT_TRUE(bad_scheme.error().starts_with("watchers[3].verify.scheme: unknown scheme")) << bad_scheme.error();
  auto bad_path = WebhookWatcher::From({{"name", "x"}, {"path", "/elsewhere"}}, "watchers[0]");
  ASSERT_FALSE(bad_path.ok());
  EXPECT_TRUE(bad_path.error().starts_with("watchers[0].path:")) << bad_path.error();
  auto bad_template = WebhookWatcher::From({{"name", "x"}, {"mapping", {{"title", "{{/a"}}}}, "watchers[0]");
  ASSERT_FALSE(bad_template.ok());
  EXPECT_TRUE(bad_template.error().starts_with("watchers[0].mapping.title: unclosed")) << bad_template.error();
  auto bad_key = WebhookWatcher::From({{"name", "x"}, {"mapping", {{"body", "/a"}}}}, "watchers[0]");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_TRUE(bad_key.error().starts_with("watchers[0].mapping.body: unknown key")) << bad_key.error();
}

TEST(WebhookWatcher, DefaultPathIsHooksSlashName) {
  EXPECT_EQ(Hook().path(), "/hooks/gh");
  EXPECT_EQ(Hook({{"path", "/hooks/github/main"}}).path(), "/hooks/github/main");
}

// Found by fuzz/webhook_decide_fuzz.cpp: a reason quoting a Content-Type that is not UTF-8 made
// the JSON answer throw (type_error 316) out of Decide, and the server answered 500.
TEST(WebhookWatcher, AReasonQuotingBytesThatAreNotUtf8IsStillAJsonAnswer) {
  HttpRequest r = GithubRequest(kSecret, "push", "d-1", Fixture("push"));
  r.headers[0].second = "text/pl\xFFin";
  HookDecision d = Hook().Decide(r, kNow);
  EXPECT_EQ(d.response.status, 400);
  json reason = Reason(d);
  ASSERT_TRUE(reason.is_object()) << d.response.body;
  EXPECT_EQ(reason["error"], "unsupported content type");
  EXPECT_NE(reason["reason"].get<std::string>().find("text/pl\xEF\xBF\xBDin"), std::string::npos) << d.response.body;
}

}  // namespace
}  // namespace vigil
