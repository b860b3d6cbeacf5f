// The triage settings of a config: `communities:` (the rules, thresholds, cooldown and digest of
// each community, matched to events through subreddits.name), `triage:` (the optional LLM and the
// retention periods) and `notify:` (delivery channels and the platform API). The blocks are
// free-form in the config table (KeyType::kAny); ParseTriageSettings validates them, with errors
// that name file:line:col and the key. The daemon checks them at start, on reload and in
// `vigil check` (through SchedulesFrom, since digests and retention are schedules).
//
// Pure reads of an immutable Config; any thread.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "jobs/triage/triage_rules.h"
#include "store/community_repo.h"

namespace vigil {

struct DigestSettings {
  std::string schedule;  // cron expression, e.g. "0 7 * * *"
  std::string tz = "UTC";
};

// The values of subreddits.participation_model (seeds/000). `approver`: a person approves every
// thread, none is auto-created.
inline const std::vector<std::string> kParticipationModels = {"observer", "guided", "participant", "approver"};

struct CommunitySettings {
  std::string name;  // subreddits.name
  // What vigil writes to the community's `subreddits` row when it creates it (a row that exists is
  // the platform's and is never overwritten; triage reads the row, not these).
  std::string display_name;
  std::string description;
  nlohmann::json purpose = nlohmann::json::object();  // thinking type, core questions, decision context
  std::string participation_model = "guided";         // one of kParticipationModels
  TriageRules rules;
  Signal notify_at = Signal::kMedium;
  std::chrono::seconds cooldown{0};           // 0: every notification is pushed
  std::chrono::seconds novelty_window{14 * 86400};
  int max_auto_threads_per_day = 10;          // auto-created threads per UTC day; past it they wait for a person
  std::vector<std::string> channels;          // names in notify.channels; empty: all of them
  std::string hypothesis_template = "New evidence in {community}: \"{title}\" may bear on the community's open questions.";
  std::optional<DigestSettings> digest;       // gathers low signals (and cooled-down ones)

  // Whether the community's pushes and digests go to the channel named `channel`.
  bool UsesChannel(const std::string& channel) const;
};

struct LlmSettings {
  std::string base_url;  // OpenAI-compatible: {base_url}/chat/completions
  std::string model;
  std::string api_key;
  std::chrono::milliseconds timeout{20000};
};

struct RetentionSettings {
  std::chrono::milliseconds events{180LL * 86400000};
  std::chrono::milliseconds notifications{90LL * 86400000};
  std::chrono::milliseconds raw_data{30LL * 86400000};
  std::string schedule = "30 3 * * *";
};

enum class ChannelType { kWebhook, kSlack, kEmail, kPlatform };

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string username;
  std::string password;
  bool starttls = true;               // on smtp://: STARTTLS is required, a server without it fails the delivery
  bool allow_plaintext_auth = false;  // a password may cross smtp:// without STARTTLS (config error otherwise)
  std::string ca_file;                // PEM bundle to trust instead of the system's (a private CA, a self-signed server)
};

struct ChannelSettings {
  std::string name;
  ChannelType type = ChannelType::kWebhook;
  std::string url;     // webhook, slack
  std::string secret;  // webhook: HMAC-SHA256 key for X-Vigil-Signature-256
  SmtpSettings smtp;   // email
  std::vector<std::string> to;
  std::string from;
};

struct PlatformSettings {
  std::string base_url;  // the platform's API
  std::string token;     // bearer token
  std::string notifications_path = "/api/notifications";
  std::string threads_path = "/api/threads";
  std::string digests_path;  // "": platform channels get no digests (the platform reads the shared tables)
};

struct TriageSettings {
  std::vector<CommunitySettings> communities;
  std::optional<LlmSettings> llm;
  RetentionSettings retention;
  std::vector<ChannelSettings> channels;
  PlatformSettings platform;
  std::vector<std::string> ops_channels;  // notify.ops_channels: names of `channels` that hear watcher health alerts

  const CommunitySettings* FindCommunity(const std::string& name) const;
  // The longest novelty window of any community (the default one's included): title words older
  // than this are never compared again.
  std::chrono::seconds LongestNoveltyWindow() const;
  const ChannelSettings* FindChannel(const std::string& name) const;
};

// Reads `communities:`, `triage:` and `notify:`; an error names the file, line and key.
Result<TriageSettings> ParseTriageSettings(const Config& config);

// A community's settings, or defaults (no keywords, every score low) for one the config does not name.
CommunitySettings CommunityOrDefault(const TriageSettings& settings, const std::string& name);

const char* ChannelTypeName(ChannelType type);

// What the config declares of each community for the `subreddits` row vigil creates.
std::vector<CommunityDecl> CommunityDeclsOf(const TriageSettings& settings);

}  // namespace vigil
