#include "sources/webhook/payload_projection.h"

#include <gtest/gtest.h>

#include "common/json_depth.h"
#include "sources/webhook/event_mapping.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using nlohmann::json;

const char* const kGithubFixtures[] = {"issues.labeled", "issues.opened", "ping", "pull_request.closed",
                                       "pull_request.opened", "push", "release.published", "workflow_run.completed"};

std::string GithubFixture(const std::string& name) {
  return testing::ReadFixture("webhooks/github/" + name + ".json");
}

// JSON bodies beyond GitHub's: Stripe, Slack events, generic senders, with arrays, unicode
// escapes, numbers of every kind, nesting and repeated keys.
const char* const kOtherBodies[] = {
    R"({"id":"evt_1","object":"event","type":"invoice.paid","livemode":false,"data":{"object":{"object":"invoice","id":"in_1","description":"Caf\u00e9 \u2603 plan","amount_due":1999,"lines":[{"id":"il_1"},{"id":"il_2","period":{"end":1700000000}}]}}})",
    R"({"token":"x","team_id":"T1","type":"event_callback","event_id":"Ev1","event":{"type":"message","channel":"C1","user":"U1","text":"h\u00e9llo \ud83d\ude00 \"quoted\" \\ back\nline"}})",
    R"({"type":"block_actions","user":{"id":"U2","name":"n"},"actions":[{"value":"a"},{"value":"b"}]})",
    R"({"title":"Deploy","message":"done","url":"https://example.org/x","n":[0,-1,18446744073709551615,-9223372036854775808,1.5,-0.0,1e3,2E-2,12345678901234567890123],"ok":true,"none":null})",
    R"({"name":"dup","name":"last","nested":{"a":1,"a":{"b":2}},"empty":{},"list":[],"deep":[[[{"x":[1,[2,{"y":"z"}]]}]]]})",
    R"([{"title":"top-level array"},2,"three"])",
    R"("just a string")",
    R"(42)",
};

std::vector<std::string> AllBodies() {
  std::vector<std::string> bodies;
  for (const char* name : kGithubFixtures) bodies.push_back(GithubFixture(name));
  for (const char* body : kOtherBodies) bodies.emplace_back(body);
  json vectors = json::parse(testing::ReadFixture("webhooks/signature_vectors.json"));
  for (const auto& v : vectors) {
    std::string body = v["body"].get<std::string>();
    if (!json::parse(body, nullptr, false).is_discarded()) bodies.push_back(body);
  }
  return bodies;
}

// RFC 6901: '~' as "~0", '/' as "~1".
std::string Escape(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// Every place in a document as a JSON pointer: each value, container or not.
void CollectPointers(const json& value, const std::string& at, std::vector<std::string>& out) {
  if (!at.empty()) out.push_back(at);
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) CollectPointers(child, at + "/" + Escape(key), out);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) CollectPointers(value[i], at + "/" + std::to_string(i), out);
  }
}

PayloadPath Path(const std::string& text) {
  auto path = PayloadPath::Parse(text);
  EXPECT_TRUE(path.ok()) << text;
  return *path;
}

// nlohmann types "-0" as a signed integer, simdjson reports it as int64 0, which the projection
// types as a non-negative integer: unsigned. Same value, same text; every other type is the same.
bool SameType(const json& got, const json& want) {
  if (want.is_number_integer() && !want.is_number_unsigned() && want == 0) return got.is_number_integer() && got == 0;
  return got.type() == want.type();
}

// The projection's value at `path` and at each of its prefixes is the full parse's.
void ExpectSameAlongPath(const json& projected, const json& full, const PayloadPath& path, const std::string& label) {
  std::vector<std::string> segments;
  for (const std::string& segment : path.segments()) {
    segments.push_back(segment);
    std::string pointer;
    for (const auto& s : segments) pointer += "/" + Escape(s);
    const json* want = Path(pointer).Find(full);
    const json* got = Path(pointer).Find(projected);
    if (segments.size() == path.segments().size()) {
      ASSERT_EQ(want == nullptr, got == nullptr) << label << " at " << pointer;
      if (want) {
        EXPECT_EQ(*got, *want) << label << " at " << pointer;
        EXPECT_TRUE(SameType(*got, *want)) << label << " at " << pointer;  // unsigned stays unsigned
        EXPECT_EQ(got->dump(), want->dump()) << label << " at " << pointer;
      }
    } else {
      ASSERT_EQ(want == nullptr, got == nullptr) << label << " at " << pointer;
      if (want) {
        EXPECT_EQ(got->type(), want->type()) << label << " at " << pointer;
      }
    }
  }
}

TEST(PayloadProjection, EveryPathOfEveryFixtureReadsAsInAFullParse) {
  for (const std::string& body : AllBodies()) {
    json full = json::parse(body);
    std::vector<std::string> pointers;
    CollectPointers(full, "", pointers);
    for (const std::string& pointer : pointers) {
      PayloadProjection projection;
      projection.Add(Path(pointer));
      auto projected = projection.Parse(body);
      ASSERT_TRUE(projected.has_value()) << body.substr(0, 80);
      ExpectSameAlongPath(*projected, full, Path(pointer), body.substr(0, 40));
    }
  }
}

TEST(PayloadProjection, MissingPathsAreMissingAsInAFullParse) {
  const char* const kMissing[] = {"/nope", "/repository/nope", "/commits/99/id", "/commits/x", "/commits/01",
                                  "/ref/0", "/data/object/lines/5", "/0/title/x", "/head_commit/author/name/deeper",
                                  "pull_request.head.nope", "event.nope.nope"};
  for (const std::string& body : AllBodies()) {
    json full = json::parse(body);
    PayloadProjection projection;
    for (const char* text : kMissing) projection.Add(Path(text));
    auto projected = projection.Parse(body);
    ASSERT_TRUE(projected.has_value());
    for (const char* text : kMissing) ExpectSameAlongPath(*projected, full, Path(text), text);
  }
}

TEST(PayloadProjection, DefaultEventsOfEveryProfileAreThoseOfAFullParse) {
  PayloadProjection projection;
  for (const PayloadPath& path : DefaultEventPaths()) projection.Add(path);
  for (const std::string& body : AllBodies()) {
    HttpRequest request;
    request.headers = {{"X-GitHub-Event", "push"}};
    json full = json::parse(body);
    auto projected = projection.Parse(body);
    ASSERT_TRUE(projected.has_value());
    for (auto profile : {PayloadProfile::kGeneric, PayloadProfile::kGithub, PayloadProfile::kStripe, PayloadProfile::kSlack}) {
      Event want = DefaultEvent(profile, request, full);
      Event got = DefaultEvent(profile, request, *projected);
      std::string label = std::to_string(static_cast<int>(profile)) + " " + body.substr(0, 60);
      EXPECT_EQ(got.title, want.title) << label;
      EXPECT_EQ(got.summary, want.summary) << label;
      EXPECT_EQ(got.source_url, want.source_url) << label;
      EXPECT_EQ(got.source_metadata.dump(), want.source_metadata.dump()) << label;
    }
  }
}

TEST(PayloadProjection, AcceptsAndRefusesExactlyWhatAFullParseDoes) {
  const std::string kBodies[] = {
      R"({"a":"\ud83d\ude00"})", R"({"a":"\ud800"})", R"({"a":"\udc00"})", R"({"a":"\uDC00x"})",
      R"({"a":"\ud800\u0041"})", R"({"a":"\udbff\udbff"})", R"({"a":"\u0000"})",
      "\xEF\xBB\xBF{\"a\":1}",   "{\"a\":\"\x01\"}",  "{\"a\":\"\xC3\x28\"}", R"({"a":1} x)",
      std::string("{\"a\":1}\0", 8), R"({"a":01})",  R"({"a":1.})",         R"({"a":1E400})",
      R"({"a":-0})",             R"({"a":[1,]})",     R"({'a':1})",          R"({"a":NaN})",
      std::string(2000, '[') + std::string(2000, ']'), std::string(513, '[') + std::string(513, ']'),
      std::string(512, '[') + std::string(512, ']'), R"({"a":"\x"})",    "{\"a\":\"tab\there\"}",
      R"( {"a" : [ true , false , null ] } )",
  };
  PayloadProjection projection;
  projection.Add(Path("/a"));
  for (const std::string& body : kBodies) {
    json full = ParseJsonOrDiscarded(body);
    auto projected = projection.Parse(body);
    ASSERT_EQ(projected.has_value(), !full.is_discarded()) << body.substr(0, 40);
    if (projected && full.is_object()) ExpectSameAlongPath(*projected, full, Path("/a"), body.substr(0, 40));
  }
}

TEST(PayloadProjection, KeepsOnlyWhatThePathsReach) {
  PayloadProjection projection;
  projection.Add(Path("/repository/full_name"));
  projection.Add(Path("commits.1"));
  auto projected = projection.Parse(GithubFixture("push"));
  ASSERT_TRUE(projected.has_value());
  json full = json::parse(GithubFixture("push"));
  EXPECT_EQ(*projected, json({{"repository", {{"full_name", full["repository"]["full_name"]}}},
                              {"commits", projected->at("commits")}}));
  ASSERT_EQ(projected->at("commits").size(), full["commits"].size());
  EXPECT_TRUE(projected->at("commits")[0].is_null());
}

HttpRequest FormRequest(const std::string& body) {
  HttpRequest r;
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = body;
  return r;
}

TEST(PayloadProjection, FormAndBlankBodiesAreReadInFull) {
  PayloadProjection projection;
  projection.Add(Path("/team_id"));
  json vectors = json::parse(testing::ReadFixture("webhooks/signature_vectors.json"));
  for (const std::string& body : {vectors[5]["body"].get<std::string>(),
                                  std::string("payload=%7B%22type%22%3A%22block_actions%22%2C%22n%22%3A%5B1%2C2%5D%7D"),
                                  std::string(" \n")}) {
    auto full = PayloadFromRequest(FormRequest(body));
    auto projected = PayloadFromRequest(FormRequest(body), projection);
    ASSERT_TRUE(full.ok() && projected.ok());
    EXPECT_EQ(*projected, *full) << body;
  }
}

TEST(PayloadProjection, InvalidJsonBodyIsTheSameError) {
  PayloadProjection projection;
  HttpRequest r;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = "{\"a\":";
  auto full = PayloadFromRequest(r);
  auto projected = PayloadFromRequest(r, projection);
  ASSERT_FALSE(projected.ok());
  EXPECT_EQ(projected.error(), full.error());
}

TEST(PayloadProjection, RefusesNestingPastTheLimitEvenWhereSimdjsonWouldParseIt) {
  PayloadProjection projection;
  projection.Add(Path("/a"));
  auto nested = [](size_t levels) { return R"({"a": )" + std::string(levels, '[') + std::string(levels, ']') + "}"; };
  EXPECT_TRUE(projection.Parse(nested(kMaxJsonDepth - 1)).has_value());
  EXPECT_FALSE(projection.Parse(nested(kMaxJsonDepth)).has_value()) << "513 levels: under simdjson's 1024";
  EXPECT_FALSE(projection.Parse(nested(100000)).has_value()) << "past simdjson's limit: the fallback parser refuses it too";
}

}  // namespace
}  // namespace vigil
