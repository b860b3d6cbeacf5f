#include "sources/webhook/hook_import.h"

#include <strings.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "common/ip_range.h"

namespace vigil {
namespace {

using nlohmann::json;

// Keys of an adnanh hook that only make sense for a command runner.
constexpr const char* kCommandKeys[] = {
    "execute-command", "command-working-directory", "pass-arguments-to-command", "pass-environment-to-command",
    "pass-file-to-command", "include-command-output-in-response", "include-command-output-in-response-on-error",
    "response-message", "response-headers", "success-http-response-code", "parse-parameters-as-json",
    "trigger-signature-soft-failures", "incoming-payload-content-type"};

struct AllowedRange {
  std::string text;
  CidrRange range;
};

bool IsIpWhitelist(const json& rule) {
  return rule.is_object() && rule.contains("match") && rule["match"].value("type", "") == "ip-whitelist";
}

// adnanh's secrets are strings; a number in a YAML hooks file is taken as its JSON text.
std::string SecretText(const json& match) {
  const json secret = match.value("secret", json(""));
  return secret.is_string() ? secret.get<std::string>() : secret.dump();
}

// "WEBHOOK_<ID>_SECRET", upper-cased, other characters as '_'; numbered when two ids meet.
std::string SecretVariable(const std::string& id, const std::vector<HookSecret>& taken) {
  std::string base = "WEBHOOK_";
  for (char c : id) base += std::isalnum(static_cast<unsigned char>(c)) ? char(std::toupper(static_cast<unsigned char>(c))) : '_';
  base += "_SECRET";
  std::string name = base;
  for (int n = 2; std::any_of(taken.begin(), taken.end(), [&](const HookSecret& s) { return s.variable == name; }); ++n)
    name = base + "_" + std::to_string(n);
  return name;
}

struct Importer {
  std::string id;
  HookImport& out;
  json verify;
  std::optional<std::vector<AllowedRange>> allow;  // nullopt: no ip-whitelist rule yet

  bool check_lost = false;  // a signature or address check was not carried: import the watcher disabled

  void Drop(const std::string& what) { out.not_carried.push_back("hook " + id + ": " + what); }
  // A check on who may call the hook could not be carried: rather than print a watcher open to
  // anyone, it is printed disabled, to be enabled once its verify block is right.
  void DropCheck(const std::string& what) {
    check_lost = true;
    Drop(what + "; imported with enabled: false");
  }

  // An ip-whitelist's ranges (adnanh separates several with spaces).
  std::vector<AllowedRange> Ranges(const json& match) {
    std::vector<AllowedRange> ranges;
    std::istringstream words(match.value("ip-range", ""));
    for (std::string text; words >> text;) {
      auto range = CidrRange::Parse(text);
      if (range.ok()) ranges.push_back({text, *range});
      else DropCheck("ip-whitelist range \"" + text + "\" (" + range.error() + ")");
    }
    return ranges;
  }

  // Rules that must all hold leave the addresses every one of them admits: per pair of ranges,
  // the narrower when one holds the other (CIDR ranges either nest or do not meet).
  void Allow(std::vector<AllowedRange> ranges) {
    if (!allow) {
      allow = std::move(ranges);
      return;
    }
    std::vector<AllowedRange> both;
    auto add = [&](const AllowedRange& r) {
      if (std::none_of(both.begin(), both.end(), [&](const AllowedRange& b) { return b.text == r.text; })) both.push_back(r);
    };
    for (const auto& a : *allow) {
      for (const auto& b : ranges) {
        if (a.range.Covers(b.range)) add(b);
        else if (b.range.Covers(a.range)) add(a);
      }
    }
    allow = std::move(both);
  }

  // An `or` of ip-whitelist rules gating the whole hook: one allowlist with all their ranges.
  bool TakeAllowlistUnion(const json& items) {
    if (!items.is_array() || items.empty() || !std::all_of(items.begin(), items.end(), IsIpWhitelist)) return false;
    std::vector<AllowedRange> all;
    for (const auto& item : items) {
      for (auto& r : Ranges(item["match"])) all.push_back(std::move(r));
    }
    Allow(std::move(all));
    return true;
  }

  void FinishAllowlist() {
    if (!allow) return;
    if (allow->empty()) {
      DropCheck("ip-whitelist rules that admit no address together (adnanh would never trigger this hook)");
      return;
    }
    json texts = json::array();
    for (const auto& r : *allow) texts.push_back(r.text);
    verify["allow_ips"] = texts;
  }

  // The secret goes to an environment variable; the printed config names it, never the value.
  void TakeSecret(const json& match) {
    HookSecret secret{SecretVariable(id, out.secrets), id, SecretText(match)};
    verify["secret"] = "${" + secret.variable + "}";
    out.secrets.push_back(std::move(secret));
  }

  // adnanh sources: header, url (query), payload; the rest have no vigil equivalent.
  json Leaf(const json& match) {
    std::string type = match.value("type", "");
    const json param = match.value("parameter", json::object());
    std::string source = param.value("source", "");
    if (source == "url") source = "query";
    if ((type != "value" && type != "regex") || (source != "header" && source != "query" && source != "payload")) {
      Drop("match of type \"" + type + "\" on source \"" + param.value("source", "") + "\" (no vigil equivalent here)");
      return nullptr;
    }
    json leaf = {{"type", type}, {"source", source}, {"name", param.value("name", "")}};
    leaf[type] = match.value(type, "");
    return {{"match", leaf}};
  }

  // Signature and IP checks become the verify block when they gate the whole hook.
  bool TakeVerify(const json& match) {
    std::string type = match.value("type", "");
    if (type == "ip-whitelist") {
      Allow(Ranges(match));
      return true;
    }
    if (!type.starts_with("payload-hmac-") && !type.starts_with("payload-hash-")) return false;
    std::string algorithm = type.substr(type.rfind('-') + 1);
    std::string header = match.value("parameter", json::object()).value("name", "");
    std::string source = match.value("parameter", json::object()).value("source", "");
    if (source != "header") {
      DropCheck(type + " over source \"" + source + "\" (vigil reads signatures from headers)");
      return true;
    }
    TakeSecret(match);
    if (algorithm == "sha256" && strcasecmp(header.c_str(), "X-Hub-Signature-256") == 0) verify["scheme"] = "github";
    else if (algorithm == "sha1" && strcasecmp(header.c_str(), "X-Hub-Signature") == 0) verify["scheme"] = "github-sha1";
    // adnanh drops a leading "<algorithm>=" when the sender puts one there.
    else verify.update({{"scheme", "hmac"}, {"header", header}, {"algorithm", algorithm},
                        {"prefix", algorithm + "="}, {"prefix_optional", true}});
    return true;
  }

  json Rule(const json& rule, bool top) {
    if (rule.contains("match")) {
      if (top && TakeVerify(rule["match"])) return nullptr;
      if (rule["match"].value("type", "").starts_with("payload-h") || rule["match"].value("type", "") == "ip-whitelist") {
        DropCheck(rule["match"].value("type", "") + " inside or/not (vigil verifies every request the same way)");
        return nullptr;
      }
      return Leaf(rule["match"]);
    }
    for (const char* op : {"and", "or"}) {
      if (!rule.contains(op)) continue;
      if (top && std::string(op) == "or" && TakeAllowlistUnion(rule[op])) return nullptr;
      json items = json::array();
      for (const auto& r : rule[op]) {
        json converted = Rule(r, top && std::string(op) == "and");
        if (!converted.is_null()) items.push_back(converted);
      }
      if (items.empty()) return nullptr;
      if (items.size() == 1) return items[0];
      return {{op, items}};
    }
    if (rule.contains("not")) {
      json inner = Rule(rule["not"], false);
      return inner.is_null() ? json(nullptr) : json{{"not", inner}};
    }
    DropCheck("an unrecognised trigger rule");
    return nullptr;
  }
};

std::string WatcherName(std::string id) {
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
  }
  return id;
}

}  // namespace

Result<HookImport> ImportAdnanhHooks(const json& hooks) {
  if (!hooks.is_array()) return Status::Error("a hooks file is a list of hooks");
  HookImport out;
  for (size_t i = 0; i < hooks.size(); ++i) {
    const json& h = hooks[i];
    if (!h.is_object() || !h.contains("id") || !h["id"].is_string())
      return Status::Error("hook " + std::to_string(i) + ": no id");
    Importer im{h["id"].get<std::string>(), out, json::object()};
    json w = {{"name", WatcherName(im.id)}, {"type", "webhook"}};
    if (w["name"] != im.id) im.Drop("id renamed to \"" + w["name"].get<std::string>() + "\" (vigil names allow letters, digits, - _ .)");
    if (h.contains("http-methods")) w["methods"] = h["http-methods"];
    if (h.contains("trigger-rule-mismatch-http-response-code"))
      w["mismatch_status"] = h["trigger-rule-mismatch-http-response-code"];
    if (h.contains("trigger-rule")) {
      json trigger = im.Rule(h["trigger-rule"], true);
      if (!trigger.is_null()) w["trigger"] = trigger;
    }
    im.FinishAllowlist();
    if (im.verify.contains("allow_ips") && !im.verify.contains("scheme"))
      im.DropCheck("ip-whitelist without a signature check (vigil's allow_ips go with a verify scheme)");
    else if (!im.verify.empty()) w["verify"] = im.verify;
    // A hook that checked nothing accepted any request; vigil wants that said (a lost check is
    // printed disabled instead, without verify, so enabling it asks for one).
    if (!w.contains("verify") && !im.check_lost) w["verify"] = {{"scheme", "none"}};
    for (const char* key : kCommandKeys) {
      if (h.contains(key)) im.Drop(std::string(key) + " (vigil stores events; it runs no commands)");
    }
    if (im.check_lost) w["enabled"] = false;
    out.watchers.push_back(w);
  }
  return out;
}

}  // namespace vigil
