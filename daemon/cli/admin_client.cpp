#include "daemon/cli/admin_client.h"

#include "common/http/curl_http_client.h"
#include "common/json_depth.h"
#include "common/utf8_cut.h"

namespace vigil::cli {

Result<AdminAnswer> CallAdminApi(const Config& config, const std::string& method, const std::string& path,
                                 const nlohmann::json& body) {
  std::string host = config.ListenHost();
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  auto token = config.Secret("api.token");
  if (!token.ok()) return Status::Error("the daemon's admin API needs api.token: " + token.error());
  if (token->empty()) return Status::Error("api.token is not set in the config: the admin API is off, so the daemon cannot be asked");
  CurlHttpClient http(HttpClientOptions{.host_limits = {}, .retry = {.max_attempts = 1}});
  HttpClientRequest req;
  req.method = method;
  req.url = "http://" + host + ":" + std::to_string(config.ListenPort()) + "/api/v1" + path;
  req.headers.emplace_back("Authorization", "Bearer " + *token);
  if (!body.is_null()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body.dump();
  }
  req.timeout = std::chrono::seconds(10);
  auto res = http.Send(req);
  if (!res.ok()) return Status::Error("no vigil answering at " + req.url + ": " + res.error());
  AdminAnswer out;
  out.status = res->status;
  out.text = res->body;
  out.body = ParseJsonOrDiscarded(res->body);
  return out;
}

std::string AdminError(const AdminAnswer& answer) {
  std::string why = answer.body.is_object() && answer.body.contains("error") && answer.body["error"].is_string()
                        ? answer.body["error"].get<std::string>()
                        : std::string(CutUtf8(answer.text, 200));
  return "the daemon answered HTTP " + std::to_string(answer.status) + ": " + why;
}

}  // namespace vigil::cli
