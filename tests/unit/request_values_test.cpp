#include "sources/webhook/request_values.h"

#include <gtest/gtest.h>

#include "common/json_depth.h"
#include "sources/webhook/payload_projection.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using nlohmann::json;

TEST(ParseFormUrlEncoded, DecodesPercentAndPlus) {
  FormFields f = ParseFormUrlEncoded("text=hello+world%21&command=%2Fwebhook-collect&empty=&flag");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], (std::pair<std::string, std::string>{"text", "hello world!"}));
  EXPECT_EQ(f[1].second, "/webhook-collect");
  EXPECT_EQ(f[2], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(f[3], (std::pair<std::string, std::string>{"flag", ""}));
}

TEST(ParseFormUrlEncoded, KeepsOrderRepeatsAndSkipsEmptyPairs) {
  FormFields f = ParseFormUrlEncoded("a=1&&a=2&b%20c=3&");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].second, "1");
  EXPECT_EQ(f[1].second, "2");
  EXPECT_EQ(f[2].first, "b c");
}

TEST(ParseFormUrlEncoded, KeepsBrokenPercentEscapesLiterally) {
  FormFields f = ParseFormUrlEncoded("a=100%&b=%zz&c=%4");
  EXPECT_EQ(f[0].second, "100%");
  EXPECT_EQ(f[1].second, "%zz");
  EXPECT_EQ(f[2].second, "%4");
}

TEST(ParseFormUrlEncoded, DecodesSlackSlashCommandFixtureBody) {
  json vectors = json::parse(testing::ReadFixture("webhooks/signature_vectors.json"));
  FormFields f = ParseFormUrlEncoded(vectors[5]["body"].get<std::string>());
  json form = FormToJson(f);
  EXPECT_EQ(form["command"], "/webhook-collect");
  EXPECT_EQ(form["user_name"], "roadrunner");
  EXPECT_EQ(form["text"], "");
  EXPECT_EQ(form["response_url"], "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN");
}

TEST(PercentDecode, PlusIsLiteralUnlessAskedOtherwise) {
  EXPECT_EQ(PercentDecode("a+b%2B", false), "a+b+");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
}

TEST(FormToJson, SinglePayloadFieldHoldingJsonIsThePayload) {
  json j = FormToJson(ParseFormUrlEncoded("payload=%7B%22type%22%3A%22block_actions%22%2C%22n%22%3A1%7D"));
  EXPECT_EQ(j["type"], "block_actions");
  EXPECT_EQ(j["n"], 1);
}

TEST(FormToJson, PayloadFieldNotJsonStaysAField) {
  json j = FormToJson(ParseFormUrlEncoded("payload=hello"));
  EXPECT_EQ(j, json({{"payload", "hello"}}));
}

TEST(FormToJson, PayloadBesideOtherFieldsStaysAField) {
  json j = FormToJson(ParseFormUrlEncoded("payload=%7B%7D&x=1"));
  EXPECT_EQ(j["payload"], "{}");
  EXPECT_EQ(j["x"], "1");
}

TEST(FormToJson, RepeatedNameBecomesArray) {
  json j = FormToJson(ParseFormUrlEncoded("tag=a&tag=b&tag=c"));
  EXPECT_EQ(j["tag"], json({"a", "b", "c"}));
}

HttpRequest WithBody(std::string content_type, std::string body) {
  HttpRequest r;
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

TEST(PayloadFromRequest, ReadsJsonFormAndEmptyBodies) {
  EXPECT_EQ((*PayloadFromRequest(WithBody("application/json; charset=utf-8", R"({"a":1})")))["a"], 1);
  EXPECT_EQ((*PayloadFromRequest(WithBody("application/vnd.github+json", "[1]")))[0], 1);
  EXPECT_EQ((*PayloadFromRequest(WithBody("Application/X-WWW-Form-Urlencoded", "a=b")))["a"], "b");
  EXPECT_EQ(*PayloadFromRequest(WithBody("", "")), json::object());
  EXPECT_EQ((*PayloadFromRequest(WithBody("", R"({"untyped":true})")))["untyped"], true);
}

TEST(PayloadFromRequest, InvalidJsonIsAnErrorWithoutTheBody) {
  auto r = PayloadFromRequest(WithBody("application/json", "{\"token\": \"abc"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().find("abc"), std::string::npos);
}

std::string DeepTitle(size_t levels) {
  return R"({"title": )" + std::string(levels, '[') + std::string(levels, ']') + "}";
}

TEST(PayloadFromRequest, JsonNestedPastTheLimitIsRefusedWithThatReason) {
  PayloadProjection projection;
  projection.Add(*PayloadPath::Parse("/title"));
  for (size_t levels : {size_t{kMaxJsonDepth}, size_t{100000}}) {
    auto full = PayloadFromRequest(WithBody("application/json", DeepTitle(levels)));
    auto projected = PayloadFromRequest(WithBody("application/json", DeepTitle(levels)), projection);
    ASSERT_FALSE(full.ok()) << levels;
    ASSERT_FALSE(projected.ok()) << levels;
    EXPECT_EQ(full.error(), "body: JSON nests deeper than 512 levels (the limit)");
    EXPECT_EQ(projected.error(), full.error());
  }
  EXPECT_TRUE(PayloadFromRequest(WithBody("application/json", DeepTitle(kMaxJsonDepth - 1)), projection).ok());
}

TEST(PayloadFromRequest, FormPayloadFieldNestedPastTheLimitIsRefused) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string body = "payload=";
  for (char c : deep) body += c == '[' ? "%5B" : "%5D";
  auto r = PayloadFromRequest(WithBody("application/x-www-form-urlencoded", body));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "the payload field: JSON nests deeper than 512 levels (the limit)");
}

json PullRequestOpened() {
  return json::parse(testing::ReadFixture("webhooks/github/pull_request.opened.json"));
}

TEST(PayloadPath, DottedAndPointerSpellingsFindTheSameValue) {
  json pr = PullRequestOpened();
  auto dotted = PayloadPath::Parse("pull_request.head.ref");
  auto pointer = PayloadPath::Parse("/pull_request/head/ref");
  ASSERT_TRUE(dotted.ok() && pointer.ok());
  EXPECT_EQ(PayloadValue(pr, *dotted), "changes");
  EXPECT_EQ(PayloadValue(pr, *pointer), "changes");
}

TEST(PayloadPath, IndexesArrays) {
  json pr = PullRequestOpened();
  EXPECT_EQ(PayloadValue(pr, *PayloadPath::Parse("pull_request.labels.0.name")), "bug");
  EXPECT_EQ(PayloadValue(pr, *PayloadPath::Parse("/pull_request/labels/0/name")), "bug");
  EXPECT_FALSE(PayloadValue(pr, *PayloadPath::Parse("pull_request.labels.1.name")).has_value());
  EXPECT_FALSE(PayloadValue(pr, *PayloadPath::Parse("pull_request.labels.01.name")).has_value());
  EXPECT_FALSE(PayloadValue(pr, *PayloadPath::Parse("pull_request.labels.x")).has_value());
}

TEST(PayloadPath, NonStringValuesReadAsJsonText) {
  json pr = PullRequestOpened();
  EXPECT_EQ(PayloadValue(pr, *PayloadPath::Parse("number")), "2");
  EXPECT_EQ(PayloadValue(pr, *PayloadPath::Parse("pull_request.merged")), "false");
  EXPECT_EQ(PayloadValue(pr, *PayloadPath::Parse("pull_request.merged_at")), "null");
}

TEST(PayloadPath, PointerUnescapesTildeAndSlash) {
  json j = {{"a/b", {{"c~d", "found"}}}, {"x.y", 1}};
  EXPECT_EQ(PayloadValue(j, *PayloadPath::Parse("/a~1b/c~0d")), "found");
  EXPECT_EQ(PayloadValue(j, *PayloadPath::Parse("/x.y")), "1");
  EXPECT_FALSE(PayloadValue(j, *PayloadPath::Parse("x.y")).has_value());
}

TEST(PayloadPath, RejectsEmptyAndMalformedPaths) {
  EXPECT_FALSE(PayloadPath::Parse("").ok());
  EXPECT_FALSE(PayloadPath::Parse("a..b").ok());
  EXPECT_FALSE(PayloadPath::Parse("a.").ok());
  EXPECT_FALSE(PayloadPath::Parse("/a~2").ok());
}

TEST(RequestValues, ReadsHeaderAndDecodedQueryParameter) {
  HttpRequest r;
  r.headers = {{"X-GitHub-Event", "push"}};
  r.query = "token=a%2Bb&env=prod+eu&env=other";
  EXPECT_EQ(HeaderValue(r, "x-github-event"), "push");
  EXPECT_FALSE(HeaderValue(r, "X-Missing").has_value());
  EXPECT_EQ(QueryValue(r, "token"), "a+b");
  EXPECT_EQ(QueryValue(r, "env"), "prod eu");
  EXPECT_FALSE(QueryValue(r, "Token").has_value());
}

}  // namespace
}  // namespace vigil
