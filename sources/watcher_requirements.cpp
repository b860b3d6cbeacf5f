#include "sources/watcher_requirements.h"

#include <algorithm>
#include <set>

#include "config/watcher_keys.h"

namespace vigil {
namespace {

std::string At(size_t i) { return "watchers[" + std::to_string(i) + "]"; }

// "literature watchers" / "literature and log watchers": the types that read `key`.
std::string TypesTaking(const std::string& key) {
  std::vector<std::string> types = WatcherTypesTaking(key);
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) out += (i == 0 ? "" : i + 1 == types.size() ? " and " : ", ") + types[i];
  return out + " watchers";
}

Status CheckTypeKeys(const Config& config, const nlohmann::json& w, const std::string& at, const std::string& type) {
  const auto& own = WatcherTypeKeys(type);
  if (own.empty()) return Status::Ok();  // the table's enum refused it already
  const auto& common = CommonWatcherKeys();
  for (auto it = w.begin(); it != w.end(); ++it) {
    const std::string& key = it.key();
    if (key == "platform_row" || std::find(common.begin(), common.end(), key) != common.end() ||
        std::find(own.begin(), own.end(), key) != own.end())
      continue;
    return config.ErrorAt(at + "." + key, "a " + type + " watcher does not take " + key + " (only " + TypesTaking(key) + " do)");
  }
  return Status::Ok();
}

bool HttpUrl(const std::string& url) { return url.starts_with("http://") || url.starts_with("https://"); }

Status CheckLiterature(const Config& config, const nlohmann::json& w, const std::string& at) {
  std::string source = w.value("source", "");
  if (source.empty()) return config.ErrorAt(at + ".source", "a literature watcher needs source: pubmed, arxiv or feed");
  std::string query = w.value("query", "");
  std::string url = w.value("url", "");
  if (source == "feed") {
    if (w.contains("query")) return config.ErrorAt(at + ".query", "a feed watcher reads its url; only pubmed and arxiv watchers take query");
    if (url.empty()) return config.ErrorAt(at + ".url", "a feed watcher needs url: the RSS, RDF or Atom feed's http(s) address");
    if (!HttpUrl(url)) return config.ErrorAt(at + ".url", "expected an http:// or https:// URL, got \"" + url + "\"");
  } else {
    if (w.contains("url"))
      return config.ErrorAt(at + ".url", "only feed watchers take url (a mirror of " + source + "'s API goes in base_url)");
    const char* service = source == "pubmed" ? "PubMed" : "arXiv";
    if (query.find_first_not_of(" \t") == std::string::npos)
      return config.ErrorAt(at + ".query", std::string(source == "pubmed" ? "a " : "an ") + service +
                                               " watcher needs query: the search, in " + service + "'s own syntax");
  }
  if (source != "pubmed") {
    for (const char* key : {"api_key", "email"}) {
      if (w.contains(key)) return config.ErrorAt(at + "." + key, std::string("only pubmed watchers take ") + key);
    }
  }
  std::string base = w.value("base_url", "");
  if (w.contains("base_url") && !HttpUrl(base))
    return config.ErrorAt(at + ".base_url", "expected an http:// or https:// URL, got \"" + base + "\"");
  return Status::Ok();
}

Status CheckWebhook(const Config& config, const nlohmann::json& w, const std::string& at) {
  // A disabled hook is not served; enabling it is checked like any change.
  if ((w.contains("verify") && !w["verify"].is_null()) || !w.value("enabled", true)) return Status::Ok();
  return config.ErrorAt(at + ".verify",
                        "a webhook watcher needs verify: how its senders prove themselves (e.g. {scheme: hmac, header: "
                        "X-Signature-256, prefix: \"sha256=\", secret: ${HOOK_SECRET}}); to accept any request from anyone, "
                        "say so with verify: {scheme: none}");
}

}  // namespace

Status CheckWatcherRequirements(const Config& config, const nlohmann::json& w, size_t index) {
  std::string at = At(index);
  std::string type = w.value("type", "");
  if (Status s = CheckTypeKeys(config, w, at, type); !s.ok()) return s;
  if (type == "literature") return CheckLiterature(config, w, at);
  if (type == "webhook") return CheckWebhook(config, w, at);
  return Status::Ok();
}

std::vector<std::string> WatcherWarnings(const Config& config) {
  std::set<std::string> defined;
  for (const auto& c : config.tree().value("communities", nlohmann::json::array())) {
    if (c.is_object() && c.contains("name") && c["name"].is_string()) defined.insert(c["name"].get<std::string>());
  }
  std::vector<std::string> warnings;
  const auto& watchers = config.tree().value("watchers", nlohmann::json::array());
  for (size_t i = 0; i < watchers.size(); ++i) {
    const auto& w = watchers[i];
    std::string community = w.value("community", "");
    if (community.empty() || defined.count(community) || w.contains("platform_row")) continue;
    warnings.push_back(WithPosition(config, At(i) + ".community: \"" + community +
                                                "\" is not defined in communities:; the daemon then looks for it in the "
                                                "platform's subreddits, where the platform may have made it. If it is "
                                                "not there either, this watcher's events are scored without any "
                                                "community's rules (keywords, thresholds), so they score low"));
  }
  return warnings;
}

}  // namespace vigil
