// The CLI's way to a running daemon: its admin API at the config's http.listen (a wildcard
// address is reached on loopback), with the config's api.token. For `status`, `watchers run`,
// `reload`: verbs that ask the daemon rather than open its database.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "common/status.h"
#include "config/config.h"

namespace vigil::cli {

struct AdminAnswer {
  int status = 0;
  nlohmann::json body;  // discarded when the body is not JSON
  std::string text;     // the body as sent
};

// `method` `path` (under /api/v1) on the daemon the config names. Error: no api.token in the
// config, nothing answering ("no vigil answering at http://127.0.0.1:8080/api/v1/status: ...").
// Any HTTP status is an answer; the caller judges it.
Result<AdminAnswer> CallAdminApi(const Config& config, const std::string& method, const std::string& path,
                                 const nlohmann::json& body = nullptr);

// "the daemon answered HTTP 404: {...}" with the body's `error` when it has one.
std::string AdminError(const AdminAnswer& answer);

}  // namespace vigil::cli
