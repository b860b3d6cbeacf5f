#include "config/http_client_config.h"

#include "config/key_hint.h"
#include "config/units.h"

namespace vigil {

Result<HttpClientOptions> HttpClientOptionsFrom(const Config& config) {
  HttpClientOptions o;
  o.contact_email = config.GetString("http.contact_email");
  auto limits = config.Get("http.rate_limits");
  if (limits.is_null()) return o;
  auto fail = [&](const std::string& at, const std::string& msg) { return Status::Error(config.Where(at) + ": " + at + ": " + msg); };
  if (!limits.is_array()) return fail("http.rate_limits", "expected a list");
  for (size_t i = 0; i < limits.size(); ++i) {
    std::string at = "http.rate_limits[" + std::to_string(i) + "]";
    const auto& l = limits[i];
    if (!l.is_object() || !l.contains("host") || !l["host"].is_string()) return fail(at, "expected a map with a host");
    HostLimit h;
    h.host = l["host"].get<std::string>();
    for (auto it = l.begin(); it != l.end(); ++it) {
      const std::string& k = it.key();
      if (k == "host") continue;
      if (k == "requests_per_second" && it->is_number() && it->get<double>() >= 0) h.requests_per_second = it->get<double>();
      else if (k == "max_concurrency" && it->is_number_integer() && it->get<int>() >= 0) h.max_concurrency = it->get<int>();
      else if (k == "min_interval") {
        auto d = DurationValue(*it);
        if (!d.ok()) return fail(at + "." + k, d.error());
        h.min_interval = *d;
      } else if (k == "requests_per_second" || k == "max_concurrency") {
        return fail(at + "." + k, k == "max_concurrency" ? "expected a whole number >= 0" : "expected a number >= 0");
      } else {
        return fail(at + "." + k, UnknownKeyMessage(k, {"host", "requests_per_second", "min_interval", "max_concurrency"}));
      }
    }
    o.host_limits.push_back(h);  // a later entry for a host replaces the default
  }
  return o;
}

}  // namespace vigil
