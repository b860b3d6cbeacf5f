#include "store/postgres/pg_url_env.h"

#include <map>

namespace vigil {
namespace {

const std::map<std::string, std::string>& ParamVariables() {
  static const std::map<std::string, std::string> kVars = {
      {"host", "PGHOST"},           {"hostaddr", "PGHOSTADDR"},       {"port", "PGPORT"},
      {"dbname", "PGDATABASE"},     {"user", "PGUSER"},               {"password", "PGPASSWORD"},
      {"passfile", "PGPASSFILE"},   {"options", "PGOPTIONS"},         {"application_name", "PGAPPNAME"},
      {"connect_timeout", "PGCONNECT_TIMEOUT"}, {"sslmode", "PGSSLMODE"}, {"sslcert", "PGSSLCERT"},
      {"sslkey", "PGSSLKEY"},       {"sslrootcert", "PGSSLROOTCERT"}, {"sslcrl", "PGSSLCRL"},
      {"target_session_attrs", "PGTARGETSESSIONATTRS"}};
  return kVars;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> Decoded(std::string_view s, const char* what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return Status::Error(std::string("bad percent escape in the ") + what);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (out.find('\0') != std::string::npos) return Status::Error(std::string("a NUL byte in the ") + what);
  return out;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> LibpqEnvironment(const std::string& url) {
  std::string_view rest(url);
  if (rest.starts_with("postgresql://")) rest.remove_prefix(13);
  else if (rest.starts_with("postgres://")) rest.remove_prefix(11);
  else return Status::Error("not a postgresql:// URL");
  std::map<std::string, std::string> vars;
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo, password;
    bool has_password = false;
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
      has_password = true;
    }
    auto u = Decoded(user, "user name");
    if (!u.ok()) return u.status();
    if (!u->empty()) vars["PGUSER"] = *u;
    if (has_password) {
      auto p = Decoded(password, "password");
      if (!p.ok()) return p.status();
      vars["PGPASSWORD"] = *p;
    }
  }
  std::string_view host = rest, port;
  if (host.starts_with("[")) {  // [IPv6]:port
    size_t close = host.find(']');
    if (close == std::string_view::npos) return Status::Error("an IPv6 host without its closing ]");
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && !port.starts_with(":")) return Status::Error("unexpected text after the IPv6 host");
    if (!port.empty()) port.remove_prefix(1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  auto h = Decoded(host, "host");
  if (!h.ok()) return h.status();
  if (!h->empty()) vars["PGHOST"] = *h;
  if (!port.empty()) {
    if (port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5)
      return Status::Error("the port is not a number");
    vars["PGPORT"] = std::string(port);
  }
  auto db = Decoded(path, "database name");
  if (!db.ok()) return db.status();
  if (!db->empty()) vars["PGDATABASE"] = *db;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return Status::Error("a URL parameter without a value");
    auto key = Decoded(pair.substr(0, eq), "parameter name");
    auto value = Decoded(pair.substr(eq + 1), "parameter value");
    if (!key.ok()) return key.status();
    if (!value.ok()) return value.status();
    auto it = ParamVariables().find(*key);
    if (it == ParamVariables().end()) return Status::Error("URL parameter \"" + *key + "\" is not one libpq knows");
    vars[it->second] = *value;
  }
  return std::vector<std::pair<std::string, std::string>>(vars.begin(), vars.end());
}

}  // namespace vigil
