// LLM triage against a local server answering in the OpenAI chat-completion shape of
// tests/fixtures/llm (its message content replaced by the JSON triage asks for), and the fallback
// to the rules when the server fails, times out or answers with something invalid.
#include "jobs/triage/llm_triage.h"

#include <gtest/gtest.h>

#include "jobs/triage/triage_job.h"
#include "tests/integration/triage_env.h"
#include "tests/support/stand_in_server.h"

namespace vigil {
namespace {

using testing::TriageEnv;

// The fixture's completion with `content` as the assistant's message.
std::string Completion(const std::string& content) {
  auto j = nlohmann::json::parse(testing::ReadFixture("llm/openai_chat_completion.json"));
  j["choices"][0]["message"]["content"] = content;
  return j.dump();
}

const std::string kVerdict = nlohmann::json{{"score", 0.91},
                                            {"signal", "high"},
                                            {"reason", "Prospective cohorts link short telomeres to pancreatic cancer risk."},
                                            {"suggested_hypothesis", "Leucocyte telomere length predicts pancreatic cancer."}}
                                 .dump();

class LlmTriageTest : public testsupport::StandInServer {
 protected:
  Result<TriageOutcome> TriageWithLlm(const std::string& timeout = "5s", const std::string& community = "{name: oncology") {
    auto settings = env_.Configure(
        "watchers: [{name: pubmed-onc, type: literature, source: pubmed, query: cancer, community: oncology}]\n"
        "communities: [" + community + ", rules: {keywords: {telomere: 0.3}}}]\n"
        "triage: {llm: {base_url: \"" + Url("/v1") + "\", model: gpt-4o-mini, api_key: sk-test, timeout: " + timeout + "}}\n");
    std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
    auto http = testing::LoopbackClient();
    return TriageEvent(settings, http.get(), env_.db(), id, std::chrono::system_clock::now(), nullptr);
  }

  TriageEnv env_{"sqlite"};
};

TEST_F(LlmTriageTest, ModelVerdictReplacesTheRulesAndKeepsItsReason) {
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Json(200, Completion(kVerdict))}; });
  auto out = TriageWithLlm();
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "high");
  EXPECT_DOUBLE_EQ(out->score, 0.91);
  EXPECT_EQ(out->reasoning.find("LLM (gpt-4o-mini) scored 0.91 -> high: Prospective cohorts link"), 0u) << out->reasoning;
  EXPECT_NE(out->reasoning.find("| rules: keyword \"telomere\" in title +0.30"), std::string::npos) << out->reasoning;
  EXPECT_EQ(env_.Text("SELECT suggested_hypothesis FROM notifications"), "Leucocyte telomere length predicts pancreatic cancer.");
  auto sent = Arrivals();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].path, "/v1/chat/completions");
  EXPECT_EQ(*sent[0].Header("Authorization"), "Bearer sk-test");
  auto body = nlohmann::json::parse(sent[0].body);
  EXPECT_EQ(body["model"], "gpt-4o-mini");
  EXPECT_EQ(body["response_format"]["type"], "json_object");
  EXPECT_NE(body["messages"][1]["content"].get<std::string>().find("Leucocyte telomere length"), std::string::npos);
}

TEST_F(LlmTriageTest, ServerErrorFallsBackToTheRules) {
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Text(500, "boom")}; });
  auto out = TriageWithLlm();
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "low");
  EXPECT_DOUBLE_EQ(out->score, 0.3);
  EXPECT_NE(out->reasoning.find("LLM answered HTTP 500: the rules' verdict stands"), std::string::npos) << out->reasoning;
}

TEST_F(LlmTriageTest, TimeoutFallsBackToTheRules) {
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Json(200, Completion(kVerdict)), 1500}; });
  auto started = std::chrono::steady_clock::now();
  auto out = TriageWithLlm("200ms");
  auto took = std::chrono::steady_clock::now() - started;
  WaitForDelayedAnswers();
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "low");
  EXPECT_LT(took, std::chrono::milliseconds(1400)) << "the timeout bounds the wait";
  EXPECT_NE(out->reasoning.find("LLM request failed"), std::string::npos) << out->reasoning;
  EXPECT_NE(out->reasoning.find("the rules' verdict stands"), std::string::npos) << out->reasoning;
}

TEST_F(LlmTriageTest, AnswerThatIsNotTheAskedJsonFallsBack) {
  // The fixture as it is: prose content, not the JSON object triage asks for.
  StartStandIn([](const HttpRequest&, int) {
    return testsupport::ScriptedAnswer{HttpResponse::Json(200, testing::ReadFixture("llm/openai_chat_completion.json"))};
  });
  auto out = TriageWithLlm();
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->reasoning.find("LLM answer rejected: message content is not a JSON object"), std::string::npos) << out->reasoning;
}

TEST_F(LlmTriageTest, SignalOfTheWrongTypeFallsBackToTheRules) {
  StartStandIn([](const HttpRequest&, int) {
    return testsupport::ScriptedAnswer{HttpResponse::Json(200, Completion(R"({"score": 0.9, "signal": 3, "reason": "x"})"))};
  });
  auto out = TriageWithLlm();
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "low");
  EXPECT_NE(out->reasoning.find("LLM answer rejected: content has no signal string: the rules' verdict stands"), std::string::npos)
      << out->reasoning;
}

TEST_F(LlmTriageTest, ScoreOfTheWrongTypeFallsBackToTheRules) {
  StartStandIn([](const HttpRequest&, int) {
    return testsupport::ScriptedAnswer{HttpResponse::Json(200, Completion(R"({"score": "high", "signal": "high", "reason": "x"})"))};
  });
  auto out = TriageWithLlm();
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "low");
  EXPECT_NE(out->reasoning.find("LLM answer rejected: content has no numeric score"), std::string::npos) << out->reasoning;
}

TEST_F(LlmTriageTest, SignalThatContradictsTheScoreIsTheCommunityThresholdsOfTheScore) {
  StartStandIn([](const HttpRequest&, int) {
    return testsupport::ScriptedAnswer{
        HttpResponse::Json(200, Completion(R"({"score": 0.2, "signal": "high", "reason": "Barely related."})"))};
  });
  auto out = TriageWithLlm();
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "low") << "0.2 is below the default medium threshold";
  EXPECT_DOUBLE_EQ(out->score, 0.2);
  EXPECT_EQ(out->reasoning.find("LLM (gpt-4o-mini) scored 0.20 -> low by the community's thresholds (the model said high): Barely"), 0u)
      << out->reasoning;
}

// What the model was told of the community in the one request it got.
nlohmann::json ToldOfCommunity(const std::vector<testsupport::Arrival>& sent) {
  EXPECT_EQ(sent.size(), 1u);
  if (sent.size() != 1) return nullptr;
  auto body = nlohmann::json::parse(sent[0].body);
  EXPECT_NE(body["messages"][0]["content"].get<std::string>().find("description and purpose"), std::string::npos);
  return nlohmann::json::parse(body["messages"][1]["content"].get<std::string>())["community"];
}

TEST_F(LlmTriageTest, ThePromptCarriesThePurposeAndDescriptionTheConfigGaveACommunityVigilCreated) {
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Json(200, Completion(kVerdict))}; });
  auto out = TriageWithLlm("5s", "{name: oncology, display_name: Oncology, description: Tumour biology and trials.,"
                                 " purpose: {thinking_type: evaluative, core_questions: [Does it replicate], decision_context: trials}");
  ASSERT_TRUE(out.ok()) << out.error();
  auto community = ToldOfCommunity(Arrivals());
  EXPECT_EQ(community["name"], "oncology");
  EXPECT_EQ(community["display_name"], "Oncology");
  EXPECT_EQ(community["description"], "Tumour biology and trials.");
  EXPECT_EQ(community["purpose"], nlohmann::json::parse(
                                      R"({"thinking_type": "evaluative", "core_questions": ["Does it replicate"], "decision_context": "trials"})"));
}

TEST_F(LlmTriageTest, ThePromptCarriesThePlatformCommunitysOwnPurposeAndDescription) {
  const std::string purpose = R"({"thinking_type": "adversarial", "core_questions": ["Is KRAS druggable?"], "decision_context": "trial selection"})";
  ASSERT_TRUE(env_.db()
                  .Query("INSERT INTO subreddits (id, name, display_name, description, purpose, participation_model)"
                         " VALUES ($1, 'oncology', 'Oncology (the platform''s)', 'What the platform says.', $2, 'guided')",
                         {env_.db().NewId(), purpose})
                  .ok());
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Json(200, Completion(kVerdict))}; });
  auto out = TriageWithLlm("5s", "{name: oncology, description: What the YAML says., purpose: {thinking_type: yaml}");
  ASSERT_TRUE(out.ok()) << out.error();
  auto community = ToldOfCommunity(Arrivals());
  EXPECT_EQ(community["display_name"], "Oncology (the platform's)");
  EXPECT_EQ(community["description"], "What the platform says.");
  EXPECT_EQ(community["purpose"], nlohmann::json::parse(purpose));
}

TEST(LlmRequestTest, APlatformCommunitysLongTextIsCut) {
  CommunityBrief brief{.name = "oncology", .display_name = "Oncology", .description = std::string(10000, 'd'),
                       .purpose = {{"core_questions", std::vector<std::string>(500, "Is this question long enough?")}}};
  auto body = nlohmann::json::parse(LlmRequestBody(LlmSettings{.model = "m"}, brief, EventView{}, ""));
  auto community = nlohmann::json::parse(body["messages"][1]["content"].get<std::string>())["community"];
  EXPECT_EQ(community["description"].get<std::string>(), std::string(4000, 'd') + "...");
  ASSERT_TRUE(community["purpose"].is_string()) << "too long to send whole: sent as its cut text";
  EXPECT_EQ(community["purpose"].get<std::string>().rfind(R"({"core_questions":["Is this question long enough?",)", 0), 0u);
  EXPECT_EQ(community["purpose"].get<std::string>().size(), 4003u);
}

TEST(LlmResponseTest, ShapesOfTheWrongTypeAreErrorsNotExceptions) {
  auto completion = nlohmann::json::parse(Completion(kVerdict));
  completion["model"] = 42;
  auto numeric_model = ParseLlmResponse(completion.dump());
  ASSERT_TRUE(numeric_model.ok()) << numeric_model.error();
  EXPECT_EQ(numeric_model->model, "") << "a model name that is not a string is left out";
  EXPECT_FALSE(ParseLlmResponse(R"({"choices": ["not an object"]})").ok());
  EXPECT_FALSE(ParseLlmResponse(R"({"choices": [{"message": "text"}]})").ok());
  EXPECT_FALSE(ParseLlmResponse(Completion(R"({"score": 0.5, "signal": null, "reason": "x"})")).ok());
}

TEST(LlmResponseTest, RejectsScoreOutOfRangeAndUnknownSignal) {
  EXPECT_FALSE(ParseLlmResponse(Completion(R"({"score": 1.5, "signal": "high", "reason": "x"})")).ok());
  EXPECT_FALSE(ParseLlmResponse(Completion(R"({"score": 0.5, "signal": "urgent", "reason": "x"})")).ok());
  EXPECT_FALSE(ParseLlmResponse(Completion(R"({"score": 0.5, "signal": "low"})")).ok());
  auto fenced = ParseLlmResponse(Completion("```json\n" + kVerdict + "\n```"));
  ASSERT_TRUE(fenced.ok()) << fenced.error();
  EXPECT_EQ(fenced->model, "gpt-4o-mini");
}

}  // namespace
}  // namespace vigil
