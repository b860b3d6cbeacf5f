// ParseVerifySpec: the `verify:` block of a webhook watcher, validated in one place with errors
// that name the key path.
#include <string_view>

#include "config/key_hint.h"
#include "sources/webhook/signature.h"

namespace vigil {
namespace {

using nlohmann::json;

constexpr SignatureScheme kAllSchemes[] = {
    SignatureScheme::kGithub, SignatureScheme::kGithubSha1, SignatureScheme::kStripe,
    SignatureScheme::kSlack,  SignatureScheme::kHmac,       SignatureScheme::kToken};

constexpr unsigned Bit(SignatureScheme s) { return 1u << static_cast<unsigned>(s); }
constexpr unsigned kEveryScheme = ~0u;

// The keys of a verify block, and the schemes that read each (a key for another scheme is a
// mistake worth reporting, not ignoring).
struct KeyRule {
  std::string_view key;
  unsigned schemes;
};
constexpr KeyRule kKeys[] = {
    {"scheme", kEveryScheme},
    {"secret", kEveryScheme},
    {"header", Bit(SignatureScheme::kHmac) | Bit(SignatureScheme::kToken)},
    {"algorithm", Bit(SignatureScheme::kHmac)},
    {"encoding", Bit(SignatureScheme::kHmac)},
    {"prefix", Bit(SignatureScheme::kHmac)},
    {"prefix_optional", Bit(SignatureScheme::kHmac)},
    {"tolerance_seconds", Bit(SignatureScheme::kStripe) | Bit(SignatureScheme::kSlack)},
    {"allow_ips", kEveryScheme},
    {"trusted_proxies", kEveryScheme},
};

Status KeyError(const std::string& path, std::string_view key, const std::string& message) {
  return Status::Error(path + "." + std::string(key) + ": " + message);
}

std::vector<std::string> AllowedKeys() {
  std::vector<std::string> keys;
  for (const KeyRule& rule : kKeys) keys.emplace_back(rule.key);
  return keys;
}

Status CheckKeys(const json& j, const std::string& path, SignatureScheme scheme) {
  for (const auto& [key, value] : j.items()) {
    const KeyRule* rule = nullptr;
    for (const KeyRule& r : kKeys) rule = r.key == key ? &r : rule;
    if (!rule) return KeyError(path, key, UnknownKeyMessage(key, AllowedKeys()));
    if ((rule->schemes & Bit(scheme)) == 0) {
      return KeyError(path, key, std::string("not used by scheme ") + SchemeName(scheme));
    }
  }
  return Status::Ok();
}

Result<SignatureScheme> ParseScheme(const json& j, const std::string& path) {
  if (!j.contains("scheme")) return KeyError(path, "scheme", "required");
  const json& v = j["scheme"];
  if (!v.is_string()) return KeyError(path, "scheme", "must be a string");
  std::string name = v.get<std::string>();
  if (name == "none") return KeyError(path, "scheme", "none checks nothing, so it takes no other keys");
  std::string expected;
  for (SignatureScheme s : kAllSchemes) {
    if (name == SchemeName(s)) return s;
    expected += (expected.empty() ? "" : ", ") + std::string(SchemeName(s));
  }
  return KeyError(path, "scheme", "unknown scheme \"" + name + "\" (expected " + expected + ", or none)");
}

// An optional string key; `out` is left alone when absent.
Status ReadString(const json& j, const std::string& path, std::string_view key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_string() || it->get<std::string>().empty()) {
    return KeyError(path, key, "must be a non-empty string");
  }
  out = it->get<std::string>();
  return Status::Ok();
}

Status ReadAlgorithm(const json& j, const std::string& path, HmacAlgorithm& out) {
  std::string name = "sha256";
  if (Status s = ReadString(j, path, "algorithm", name); !s.ok()) return s;
  if (name == "sha1") out = HmacAlgorithm::kSha1;
  else if (name == "sha256") out = HmacAlgorithm::kSha256;
  else if (name == "sha512") out = HmacAlgorithm::kSha512;
  else return KeyError(path, "algorithm", "unknown algorithm \"" + name + "\" (expected sha1, sha256, sha512)");
  return Status::Ok();
}

Status ReadEncoding(const json& j, const std::string& path, MacEncoding& out) {
  std::string name = "hex";
  if (Status s = ReadString(j, path, "encoding", name); !s.ok()) return s;
  if (name == "hex") out = MacEncoding::kHex;
  else if (name == "base64") out = MacEncoding::kBase64;
  else return KeyError(path, "encoding", "unknown encoding \"" + name + "\" (expected hex, base64)");
  return Status::Ok();
}

Status ReadPrefixOptional(const json& j, const std::string& path, VerifySpec& spec) {
  auto it = j.find("prefix_optional");
  if (it == j.end()) return Status::Ok();
  if (!it->is_boolean()) return KeyError(path, "prefix_optional", "must be true or false");
  if (spec.prefix.empty()) return KeyError(path, "prefix_optional", "needs a prefix");
  spec.prefix_optional = it->get<bool>();
  return Status::Ok();
}

Status ReadTolerance(const json& j, const std::string& path, std::chrono::seconds& out) {
  auto it = j.find("tolerance_seconds");
  if (it == j.end()) return Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 86400) {
    return KeyError(path, "tolerance_seconds", "must be an integer from 1 to 86400");
  }
  out = std::chrono::seconds(it->get<int64_t>());
  return Status::Ok();
}

Status ReadCidrList(const json& j, const std::string& path, std::string_view key,
                    std::vector<CidrRange>& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_array()) return KeyError(path, key, "must be a list of addresses or CIDR ranges");
  for (size_t i = 0; i < it->size(); ++i) {
    std::string item_key = std::string(key) + "[" + std::to_string(i) + "]";
    const json& item = (*it)[i];
    if (!item.is_string()) return KeyError(path, item_key, "must be a string");
    Result<CidrRange> range = CidrRange::Parse(item.get<std::string>());
    if (!range.ok()) {
      return KeyError(path, item_key, "invalid CIDR \"" + item.get<std::string>() + "\": " + range.error());
    }
    out.push_back(*range);
  }
  return Status::Ok();
}

Status ReadSchemeOptions(const json& j, const std::string& path, VerifySpec& spec) {
  if (!j.contains("secret")) return KeyError(path, "secret", "required");
  if (Status s = ReadString(j, path, "secret", spec.secret); !s.ok()) return s;
  if (Status s = ReadString(j, path, "header", spec.header); !s.ok()) return s;
  if (spec.scheme == SignatureScheme::kHmac && spec.header.empty()) {
    return KeyError(path, "header", "required for scheme hmac");
  }
  if (Status s = ReadString(j, path, "prefix", spec.prefix); !s.ok()) return s;
  if (Status s = ReadPrefixOptional(j, path, spec); !s.ok()) return s;
  if (Status s = ReadAlgorithm(j, path, spec.algorithm); !s.ok()) return s;
  if (Status s = ReadEncoding(j, path, spec.encoding); !s.ok()) return s;
  return ReadTolerance(j, path, spec.tolerance);
}

}  // namespace

bool AcceptsAnySender(const json& verify) {
  return verify.is_object() && verify.size() == 1 && verify.contains("scheme") && verify["scheme"] == "none";
}

Result<VerifySpec> ParseVerifySpec(const json& j, const std::string& path) {
  if (!j.is_object()) return Status::Error(path + ": must be a mapping");
  Result<SignatureScheme> scheme = ParseScheme(j, path);
  if (!scheme.ok()) return scheme.status();
  VerifySpec spec;
  spec.scheme = *scheme;
  if (Status s = CheckKeys(j, path, spec.scheme); !s.ok()) return s;
  if (Status s = ReadSchemeOptions(j, path, spec); !s.ok()) return s;
  if (Status s = ReadCidrList(j, path, "allow_ips", spec.allow_ips); !s.ok()) return s;
  if (Status s = ReadCidrList(j, path, "trusted_proxies", spec.trusted_proxies); !s.ok()) return s;
  return spec;
}

}  // namespace vigil
