#include "common/http/http_client.h"

#include <strings.h>

namespace vigil {

HttpClient::~HttpClient() = default;

const std::string* HttpClientResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return &value;
  }
  return nullptr;
}

}  // namespace vigil
