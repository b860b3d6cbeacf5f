#include "sources/literature/url_resolve.h"

#include <cctype>
#include <optional>

namespace vigil {
namespace {

// The five components of RFC 3986 appendix B; a missing component is nullopt.
struct UriParts {
  std::optional<std::string_view> scheme, authority, query, fragment;
  std::string_view path;
};

UriParts Split(std::string_view s) {
  UriParts u;
  size_t colon = s.find_first_of(":/?#");
  if (colon != std::string_view::npos && s[colon] == ':' && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(s[0]))) {
    u.scheme = s.substr(0, colon);
    s.remove_prefix(colon + 1);
  }
  if (s.starts_with("//")) {
    size_t end = s.find_first_of("/?#", 2);
    u.authority = s.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    u.fragment = s.substr(hash + 1);
    s = s.substr(0, hash);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    u.query = s.substr(q + 1);
    s = s.substr(0, q);
  }
  u.path = s;
  return u;
}

std::string Recompose(std::string_view scheme, std::optional<std::string_view> authority, std::string_view path,
                      std::optional<std::string_view> query, std::optional<std::string_view> fragment) {
  std::string out;
  out.append(scheme).append(":");
  if (authority) out.append("//").append(*authority);
  out.append(path);
  if (query) out.append("?").append(*query);
  if (fragment) out.append("#").append(*fragment);
  return out;
}

std::string Merge(const UriParts& base, std::string_view ref_path) {
  std::string merged;
  if (base.authority && base.path.empty()) {
    merged.push_back('/');
  } else if (size_t slash = base.path.rfind('/'); slash != std::string_view::npos) {
    merged.append(base.path.substr(0, slash + 1));
  }
  merged.append(ref_path);
  return merged;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) { in.remove_prefix(3); continue; }
    if (in.starts_with("./")) { in.remove_prefix(2); continue; }
    if (in.starts_with("/./")) { in.remove_prefix(2); continue; }
    if (in == "/.") { in = "/"; continue; }
    if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
      continue;
    }
    if (in == "." || in == "..") break;
    size_t next = in.find('/', in.front() == '/' ? 1 : 0);
    if (next == std::string_view::npos) next = in.size();
    out.append(in.substr(0, next));
    in.remove_prefix(next);
  }
  return out;
}

std::string ResolveUrl(std::string_view base_text, std::string_view ref_text) {
  ref_text = Trim(ref_text);
  base_text = Trim(base_text);
  UriParts r = Split(ref_text);
  if (r.scheme)
    return Recompose(*r.scheme, r.authority, RemoveDotSegments(r.path), r.query, r.fragment);
  UriParts b = Split(base_text);
  if (!b.scheme) return std::string(ref_text);
  if (r.authority)
    return Recompose(*b.scheme, r.authority, RemoveDotSegments(r.path), r.query, r.fragment);
  if (r.path.empty())
    return Recompose(*b.scheme, b.authority, b.path, r.query ? r.query : b.query, r.fragment);
  std::string path = r.path.front() == '/' ? RemoveDotSegments(r.path) : RemoveDotSegments(Merge(b, r.path));
  return Recompose(*b.scheme, b.authority, path, r.query, r.fragment);
}

bool IsAbsoluteWebUrl(std::string_view s) {
  size_t scheme_end = s.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string lowered(s.substr(0, scheme_end));
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered != "http" && lowered != "https" && lowered != "ftp") return false;
  std::string_view authority = s.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.empty() || authority.find_first_of(" \t\n<>\"") != std::string_view::npos) return false;
  size_t open = authority.find('[');
  if (open == std::string_view::npos) return authority.find(']') == std::string_view::npos;
  size_t close = authority.find(']');
  return close != std::string_view::npos && close > open &&
         authority.substr(open + 1, close - open - 1).find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos;
}

}  // namespace vigil
