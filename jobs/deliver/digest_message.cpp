#include "jobs/deliver/digest_message.h"

#include <cstdio>
#include <map>

#include "common/iso8601.h"
#include "common/utf8_cut.h"

namespace vigil {
namespace {

constexpr size_t kTitleBytes = 200;
constexpr size_t kSectionBytes = 2900;  // Slack refuses a section text over 3,000 characters

std::string Community(const DigestRow& d) { return d.community_name.empty() ? "vigil" : d.community_name; }

std::string Items(size_t n) { return std::to_string(n) + (n == 1 ? " item" : " items"); }

// "pubmed · pubmed-onc · score 0.85"
std::string SourceLine(const DigestItem& item) {
  std::string line = item.source_type.empty() ? "event" : item.source_type;
  if (!item.watcher.empty()) line += " · " + item.watcher;
  if (item.score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", *item.score);
    line += std::string(" · score ") + buf;
  }
  return line;
}

std::string Title(const DigestItem& item) { return item.title.empty() ? "(untitled event " + item.event_id + ")" : ShortenUtf8(item.title, kTitleBytes); }

std::map<std::string, size_t> CountBySignal(const DigestRow& d) {
  std::map<std::string, size_t> counts;
  for (const auto& item : d.items) ++counts[item.signal];
  return counts;
}

// Calls group(signal, total in that group) before the first shown item of each signal, then item(i).
template <class Group, class Item>
void ForShownItems(const DigestRow& d, size_t shown, Group group, Item item) {
  auto counts = CountBySignal(d);
  for (size_t i = 0; i < d.items.size() && i < shown; ++i) {
    if (i == 0 || d.items[i].signal != d.items[i - 1].signal) group(d.items[i].signal, counts[d.items[i].signal]);
    item(i);
  }
}

std::string More(const DigestRow& d, size_t shown) {
  if (d.items.size() <= shown) return "";
  return "and " + std::to_string(d.items.size() - shown) + " more (vigil digests show " + d.id + ")";
}

nlohmann::json Section(const std::string& mrkdwn) { return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", mrkdwn}}}}; }

}  // namespace

nlohmann::json DigestWebhookPayload(const DigestRow& d) { return {{"type", "digest"}, {"digest", DigestToJson(d)}}; }

std::string DigestHeadline(const DigestRow& d) {
  auto counts = CountBySignal(d);
  std::string by_signal;
  for (const char* signal : {"high", "medium", "low"}) {
    if (counts[signal] == 0) continue;
    by_signal += (by_signal.empty() ? "" : ", ") + std::to_string(counts[signal]) + " " + signal;
  }
  return "Digest for " + Community(d) + ": " + Items(d.items.size()) + (by_signal.empty() ? "" : " (" + by_signal + ")");
}

nlohmann::json DigestSlackPayload(const DigestRow& d, size_t shown) {
  nlohmann::json blocks = nlohmann::json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", ShortenUtf8("Digest · " + Community(d) + " · " + Items(d.items.size()), 150)}}}});
  std::string section;
  auto flush = [&] {
    if (!section.empty()) blocks.push_back(Section(section));
    section.clear();
  };
  auto add_line = [&](const std::string& line) {
    if (section.size() + line.size() + 1 > kSectionBytes) flush();
    section += (section.empty() ? "" : "\n") + line;
  };
  ForShownItems(
      d, shown,
      [&](const std::string& signal, size_t total) {
        flush();
        add_line("*" + UpperAscii(signal) + "* (" + std::to_string(total) + ")");
      },
      [&](size_t i) {
        const DigestItem& item = d.items[i];
        std::string title = SlackEscape(Title(item));
        std::string linked = item.source_url.empty() ? "*" + title + "*" : "*<" + item.source_url + "|" + title + ">*";
        add_line("• " + linked + " — " + SlackEscape(SourceLine(item)));
      });
  flush();
  if (std::string more = More(d, shown); !more.empty()) {
    blocks.push_back({{"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", SlackEscape(more)}}}}});
  }
  return {{"text", DigestHeadline(d)}, {"blocks", blocks}};
}

EmailText DigestEmail(const DigestRow& d, size_t shown) {
  EmailText t;
  t.subject = "[vigil digest] " + Community(d) + ": " + Items(d.items.size());
  std::string& b = t.body;
  b += DigestHeadline(d) + "\n";
  ForShownItems(
      d, shown, [&](const std::string& signal, size_t total) { b += "\n" + UpperAscii(signal) + " (" + std::to_string(total) + ")\n"; },
      [&](size_t i) {
        const DigestItem& item = d.items[i];
        b += std::to_string(i + 1) + ". " + Title(item) + "\n   " + SourceLine(item) + "\n";
        if (!item.source_url.empty()) b += "   " + item.source_url + "\n";
        if (!item.notification_id.empty()) b += "   notification " + item.notification_id + "\n";
      });
  if (std::string more = More(d, shown); !more.empty()) b += "\n" + more + "\n";
  b += "\n-- \ndigest " + d.id + ", made " + FormatIso8601(d.created_at) + "\n";
  return t;
}

}  // namespace vigil
