#include "config/trusted_proxies.h"

#include "config/config.h"

namespace vigil {

Result<std::vector<CidrRange>> TrustedProxies(const Config& config) {
  std::vector<CidrRange> out;
  const nlohmann::json list = config.Get("http.trusted_proxies");
  if (list.is_null()) return out;
  if (!list.is_array()) return config.ErrorAt("http.trusted_proxies", "expected a list of addresses or CIDR ranges");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = "http.trusted_proxies[" + std::to_string(i) + "]";
    if (!list[i].is_string()) return config.ErrorAt(at, "expected an address or a CIDR range such as 10.0.0.0/8");
    auto range = CidrRange::Parse(list[i].get<std::string>());
    if (!range.ok()) return config.ErrorAt(at, range.error());
    out.push_back(*range);
  }
  return out;
}

}  // namespace vigil
