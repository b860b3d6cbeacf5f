// Parsing of `notify:`: delivery channels and the platform API (declared in triage_config.h).
#include <set>

#include "config/block_reader.h"
#include "jobs/triage/triage_config.h"

namespace vigil {
namespace {

Result<ChannelType> TypeOf(const std::string& name) {
  for (ChannelType t : {ChannelType::kWebhook, ChannelType::kSlack, ChannelType::kEmail, ChannelType::kPlatform}) {
    if (name == ChannelTypeName(t)) return t;
  }
  return Status::Error("unknown");
}

Status ReadSmtp(const BlockReader& r, SmtpSettings* out) {
  auto block = r.Child("smtp");
  if (!block.ok()) return block.status();
  if (!r.Has("smtp")) return r.Error("smtp", "is required for an email channel");
  FirstError e;
  e.Check(block->CheckKeys({"url", "username", "password", "starttls", "allow_plaintext_auth", "ca_file"}));
  out->url = e.Take(block->String("url", "", true));
  out->username = e.Take(block->String("username"));
  out->password = e.Take(block->String("password"));
  out->starttls = e.Take(block->Bool("starttls", true));
  out->allow_plaintext_auth = e.Take(block->Bool("allow_plaintext_auth", false));
  out->ca_file = e.Take(block->String("ca_file"));
  if (!e.ok()) return e.status();
  if (!out->url.starts_with("smtp://") && !out->url.starts_with("smtps://")) return block->Error("url", "expected smtp://host:port or smtps://host:port");
  bool encrypted = out->url.starts_with("smtps://") || out->starttls;
  if (!out->password.empty() && !encrypted && !out->allow_plaintext_auth) {
    return block->Error("password", "would cross the network in clear text (smtp:// with starttls: false); use starttls: true or "
                                    "smtps://, or set allow_plaintext_auth: true");
  }
  return Status::Ok();
}

// "team@lab.example", or "vigil <vigil@lab.example>": an address has a local part, one @ and a host.
bool IsMailAddress(const std::string& text) {
  std::string address = text;
  if (size_t lt = text.find('<'); lt != std::string::npos) {
    size_t gt = text.find('>', lt);
    if (gt == std::string::npos) return false;
    address = text.substr(lt + 1, gt - lt - 1);
  }
  size_t at = address.find('@');
  return at != std::string::npos && at > 0 && at + 1 < address.size() && address.find('@', at + 1) == std::string::npos &&
         address.find_first_of(" \t,;<>") == std::string::npos;
}

Status CheckMailAddresses(const BlockReader& r, const ChannelSettings& c) {
  for (const auto& to : c.to) {
    if (!IsMailAddress(to)) return r.Error("to", "\"" + to + "\" is not an e-mail address (expected name@host)");
  }
  if (!IsMailAddress(c.from))
    return r.Error("from", "\"" + c.from + "\" is not an e-mail address (expected name@host or \"Name <name@host>\")");
  return Status::Ok();
}

Result<ChannelSettings> ReadChannel(const BlockReader& r) {
  ChannelSettings c;
  FirstError e;
  e.Check(r.ExpectMap());
  e.Check(r.CheckKeys({"name", "type", "url", "secret", "smtp", "to", "from"}));
  c.name = e.Take(r.String("name", "", true));
  std::string type = e.Take(r.Choice("type", "webhook", {"webhook", "slack", "email", "platform"}), std::string("webhook"));
  c.url = e.Take(r.String("url"));
  c.secret = e.Take(r.String("secret"));
  c.to = e.Take(r.StringList("to"));
  c.from = e.Take(r.String("from"));
  if (!e.ok()) return e.status();
  c.type = *TypeOf(type);
  bool needs_url = c.type == ChannelType::kWebhook || c.type == ChannelType::kSlack;
  if (needs_url && !c.url.starts_with("http://") && !c.url.starts_with("https://")) return r.Error("url", "expected an http(s) URL");
  if (c.type == ChannelType::kEmail) {
    if (c.to.empty()) return r.Error("to", "is required for an email channel");
    if (c.from.empty()) return r.Error("from", "is required for an email channel");
    Status s = CheckMailAddresses(r, c);
    if (s.ok()) s = ReadSmtp(r, &c.smtp);
    if (!s.ok()) return s;
  }
  return c;
}

Status ReadPlatform(const BlockReader& r, PlatformSettings* out) {
  auto block = r.Child("platform");
  if (!block.ok()) return block.status();
  FirstError e;
  e.Check(block->CheckKeys({"base_url", "token", "notifications_path", "threads_path", "digests_path"}));
  out->base_url = e.Take(block->String("base_url"));
  out->token = e.Take(block->String("token"));
  out->notifications_path = e.Take(block->String("notifications_path", out->notifications_path));
  out->threads_path = e.Take(block->String("threads_path", out->threads_path));
  out->digests_path = e.Take(block->String("digests_path", out->digests_path));
  if (!e.ok()) return e.status();
  while (!out->base_url.empty() && out->base_url.back() == '/') out->base_url.pop_back();
  return Status::Ok();
}

// notify.ops_channels: each a name of notify.channels, once.
Status ReadOpsChannels(const BlockReader& r, const std::set<std::string>& channels, std::vector<std::string>* out) {
  auto names = r.StringList("ops_channels");
  if (!names.ok()) return names.status();
  std::string known;
  for (const auto& c : channels) known += (known.empty() ? "" : ", ") + c;
  std::set<std::string> seen;
  for (const auto& name : *names) {
    if (!channels.count(name)) {
      return r.Error("ops_channels", "\"" + name + "\" is not a channel of notify.channels (" +
                                         (known.empty() ? std::string("it defines none") : "it defines " + known) + ")");
    }
    if (!seen.insert(name).second) return r.Error("ops_channels", "\"" + name + "\" is named twice");
  }
  *out = std::move(*names);
  return Status::Ok();
}

}  // namespace

const char* ChannelTypeName(ChannelType type) {
  switch (type) {
    case ChannelType::kWebhook: return "webhook";
    case ChannelType::kSlack: return "slack";
    case ChannelType::kEmail: return "email";
    case ChannelType::kPlatform: return "platform";
  }
  return "webhook";
}

Status ParseNotifySettings(const Config& config, TriageSettings* out) {
  nlohmann::json notify = config.Get("notify");
  BlockReader r(config, notify, "notify");
  FirstError e;
  e.Check(r.ExpectMap());
  e.Check(r.CheckKeys({"channels", "platform", "ops_channels"}));
  if (!e.ok()) return e.status();
  Status s = ReadPlatform(r, &out->platform);
  if (!s.ok()) return s;
  const auto& list = r.Raw("channels");
  if (!list.is_null() && !list.is_array()) return r.Error("channels", "expected a list");
  std::set<std::string> names;
  for (size_t i = 0; list.is_array() && i < list.size(); ++i) {
    BlockReader item(config, list[i], "notify.channels[" + std::to_string(i) + "]");
    auto c = ReadChannel(item);
    if (!c.ok()) return c.status();
    if (!names.insert(c->name).second) return item.Error("name", "duplicate channel \"" + c->name + "\"");
    if (c->type == ChannelType::kPlatform && out->platform.base_url.empty()) {
      return item.Error("type", "a platform channel needs notify.platform.base_url");
    }
    out->channels.push_back(std::move(*c));
  }
  return ReadOpsChannels(r, names, &out->ops_channels);
}

}  // namespace vigil
