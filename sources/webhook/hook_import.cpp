#include "sources/webhook/hook_import.h"

namespace vigil {
namespace {

using nlohmann::json;

// Keys of an adnanh hook that only make sense for a command runner.
constexpr const char* kCommandKeys[] = {
    "execute-command", "command-working-directory", "pass-arguments-to-command", "pass-environment-to-command",
    "pass-file-to-command", "include-command-output-in-response", "include-command-output-in-response-on-error",
    "response-message", "response-headers", "success-http-response-code", "parse-parameters-as-json",
    "trigger-signature-soft-failures", "incoming-payload-content-type"};

struct Importer {
  std::string id;
  HookImport& out;
  json verify;

  void Drop(const std::string& what) { out.not_carried.push_back("hook " + id + ": " + what); }

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
      verify["allow_ips"] = json::array({match.value("ip-range", "")});
      return true;
    }
    if (!type.starts_with("payload-hmac-") && !type.starts_with("payload-hash-")) return false;
    std::string algorithm = type.substr(type.rfind('-') + 1);
    std::string header = match.value("parameter", json::object()).value("name", "");
    std::string source = match.value("parameter", json::object()).value("source", "");
    if (source != "header") {
      Drop(type + " over source \"" + source + "\" (vigil reads signatures from headers)");
      return true;
    }
    verify["secret"] = match.value("secret", "");
    if (algorithm == "sha256" && header == "X-Hub-Signature-256") verify["scheme"] = "github";
    else if (algorithm == "sha1" && header == "X-Hub-Signature") verify["scheme"] = "github-sha1";
    else verify.update({{"scheme", "hmac"}, {"header", header}, {"algorithm", algorithm}});
    return true;
  }

  json Rule(const json& rule, bool top) {
    if (rule.contains("match")) {
      if (top && TakeVerify(rule["match"])) return nullptr;
      if (rule["match"].value("type", "").starts_with("payload-h") || rule["match"].value("type", "") == "ip-whitelist") {
        Drop(rule["match"].value("type", "") + " inside or/not (vigil verifies every request the same way)");
        return nullptr;
      }
      return Leaf(rule["match"]);
    }
    for (const char* op : {"and", "or"}) {
      if (!rule.contains(op)) continue;
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
    Drop("an unrecognised trigger rule");
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
    if (im.verify.contains("allow_ips") && !im.verify.contains("scheme"))
      im.Drop("ip-whitelist without a signature check (vigil's allow_ips go with a verify scheme)");
    else if (!im.verify.empty()) w["verify"] = im.verify;
    for (const char* key : kCommandKeys) {
      if (h.contains(key)) im.Drop(std::string(key) + " (vigil stores events; it runs no commands)");
    }
    out.watchers.push_back(w);
  }
  return out;
}

}  // namespace vigil
