#include "daemon/admin/reload_route.h"

namespace vigil {

HttpResponse ReloadAnswer(const ReloadOutcome& o) {
  using Kind = ReloadOutcome::Kind;
  nlohmann::json body = {{"ok", o.kind == Kind::kApplied}, {"config", o.config_path}};
  if (o.kind == Kind::kApplied) {
    body["changes"] = o.changes;
    return ApiJson(200, body);
  }
  body["error"] = o.error;
  body["kept"] = "the running config";
  int status = o.kind == Kind::kRefused ? 422 : o.kind == Kind::kBusy ? 409 : 503;
  return ApiJson(status, body);
}

ApiRoute ReloadRoute(std::function<void(ReloadDone)> reload) {
  ApiRoute route;
  route.method = "POST";
  route.pattern = "/api/v1/reload";
  route.on_loop = [reload = std::move(reload)](const HttpRequest&, Responder respond) {
    reload([respond = std::move(respond)](const ReloadOutcome& outcome) { respond(ReloadAnswer(outcome)); });
  };
  return route;
}

}  // namespace vigil
