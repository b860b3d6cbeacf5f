#include "jobs/maintenance/citation_retraction.h"

#include <algorithm>
#include <optional>

#include "common/ascii.h"
#include "common/json_depth.h"
#include "common/utf8_cut.h"

namespace vigil {
namespace {

// "2020-06-05" from Crossref's {"date-parts": [[2020, 6, 5]]}, as precise as it is given.
std::string DateOf(const nlohmann::json& date) {
  if (!date.is_object()) return "";
  const auto& parts = date.value("date-parts", nlohmann::json::array());
  if (!parts.is_array() || parts.empty() || !parts[0].is_array()) return "";
  std::string out;
  for (size_t i = 0; i < parts[0].size() && i < 3; ++i) {
    if (!parts[0][i].is_number_integer()) break;
    int64_t v = parts[0][i].get<int64_t>();
    if (v < 0 || v > 9999) break;
    std::string n = std::to_string(v);
    if (i > 0) out += "-" + std::string(n.size() < 2 ? 1 : 0, '0');
    out += n;
  }
  return out;
}

std::string StringField(const nlohmann::json& o, const char* key) {
  if (!o.is_object() || !o.contains(key) || !o[key].is_string()) return "";
  return o[key].get<std::string>();
}

// A retracting entry of updated-by or update-to as a notice; `notice_doi` is the entry's own DOI
// for updated-by and the item's for update-to.
std::optional<RetractionNotice> NoticeOf(const nlohmann::json& entry, const std::string& notice_doi) {
  std::string type = AsciiLower(StringField(entry, "type"));
  if (!IsRetractionType(type)) return std::nullopt;
  return RetractionNotice{AsciiLower(notice_doi), type, DateOf(entry.value("updated", nlohmann::json()))};
}

void AddText(const nlohmann::json& item, const CitationListBounds& b, std::string* out) {
  if (item.is_string()) {
    *out += (out->empty() ? "" : " ") + item.get<std::string>();
  } else if (item.is_object() || item.is_array()) {
    for (const auto& v : item) {
      if (out->size() >= b.max_text_bytes) break;
      AddText(v, b, out);  // depth is bounded before parsing
    }
  } else if (item.is_number()) {
    *out += (out->empty() ? "" : " ") + item.dump();
  }
  if (out->size() > b.max_text_bytes) *out = std::string(CutUtf8(*out, b.max_text_bytes));
}

}  // namespace

bool IsRetractionType(std::string_view type) {
  std::string t = AsciiLower(std::string(type));
  return t == "retraction" || t == "withdrawal" || t == "removal";
}

std::vector<RetractionNotice> NoticesUpdatingWork(const nlohmann::json& message) {
  std::vector<RetractionNotice> out;
  if (!message.is_object() || !message.contains("updated-by") || !message["updated-by"].is_array()) return out;
  for (const auto& entry : message["updated-by"]) {
    if (auto n = NoticeOf(entry, StringField(entry, "DOI"))) out.push_back(*n);
  }
  return MergeNotices(std::move(out), {});
}

Result<std::vector<RetractionNotice>> ParseUpdatingNotices(std::string_view body, std::string_view doi) {
  auto j = ParseJsonOrDiscarded(body);
  if (j.is_discarded() || !j.is_object() || !j.contains("message") || !j["message"].is_object() ||
      !j["message"].contains("items") || !j["message"]["items"].is_array()) {
    return Status::Error("not a Crossref list of works");
  }
  std::string wanted = AsciiLower(std::string(doi));
  std::vector<RetractionNotice> out;
  for (const auto& item : j["message"]["items"]) {
    if (!item.is_object() || !item.contains("update-to") || !item["update-to"].is_array()) continue;
    for (const auto& entry : item["update-to"]) {
      if (AsciiLower(StringField(entry, "DOI")) != wanted) continue;
      if (auto n = NoticeOf(entry, StringField(item, "DOI"))) out.push_back(*n);
    }
  }
  return MergeNotices(std::move(out), {});
}

std::vector<RetractionNotice> MergeNotices(std::vector<RetractionNotice> a, const std::vector<RetractionNotice>& b) {
  a.insert(a.end(), b.begin(), b.end());
  // Undated notices sort last; among one DOI's entries the dated one is kept.
  std::stable_sort(a.begin(), a.end(), [](const RetractionNotice& x, const RetractionNotice& y) {
    if (x.date.empty() != y.date.empty()) return y.date.empty();
    return x.date < y.date;
  });
  std::vector<RetractionNotice> out;
  for (auto& n : a) {
    bool seen = std::any_of(out.begin(), out.end(), [&](const RetractionNotice& o) { return o.doi == n.doi; });
    if (!seen) out.push_back(std::move(n));
  }
  return out;
}

CitationList ParseCitationList(std::string_view stored, const CitationListBounds& bounds) {
  CitationList out;
  if (stored.empty()) return out;
  if (stored.size() > bounds.max_bytes) {
    out.problem = "the list is " + std::to_string(stored.size()) + " bytes, over the " + std::to_string(bounds.max_bytes) + "-byte limit";
    return out;
  }
  if (JsonNestingDepth(stored) > bounds.max_depth) {
    out.problem = "the list nests deeper than " + std::to_string(bounds.max_depth) + " levels";
    return out;
  }
  auto j = ParseJsonOrDiscarded(stored);
  if (j.is_null()) return out;
  if (j.is_discarded() || !j.is_array()) {
    out.problem = "not a JSON list";
    return out;
  }
  for (const auto& item : j) {
    if (out.texts.size() == bounds.max_items) {
      out.problem = "only the first " + std::to_string(bounds.max_items) + " of " + std::to_string(j.size()) + " citations were read";
      break;
    }
    std::string text;
    AddText(item, bounds, &text);
    out.texts.push_back(std::move(text));
  }
  return out;
}

}  // namespace vigil
