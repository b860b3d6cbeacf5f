#include "common/http/http_client.h"

#include <strings.h>

#include "common/http/http_url.h"

namespace vigil {

HttpClient::~HttpClient() = default;

const std::string* HttpClientResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return &value;
  }
  return nullptr;
}

std::string LoggableUrl(const HttpClientRequest& request) {
  return request.secret_path ? RedactUrlPath(request.url) : RedactUrlSecrets(request.url);
}

Status WithLoggableUrl(const Status& status, const HttpClientRequest& request) {
  if (status.ok() || !request.secret_path) return status;
  std::string text = status.message();
  std::string shown = LoggableUrl(request);
  for (const std::string& form : {request.url, RedactUrlSecrets(request.url)}) {
    for (size_t at = form.empty() ? std::string::npos : text.find(form); at != std::string::npos; at = text.find(form, at + shown.size()))
      text.replace(at, form.size(), shown);
  }
  return Status::Error(text);
}

}  // namespace vigil
