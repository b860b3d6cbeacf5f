#include "daemon/http/hook_routes.h"

#include <spdlog/spdlog.h>

#include "common/metrics.h"

namespace vigil {
namespace {

using nlohmann::json;

void Count(const std::string& watcher, const char* outcome) {
  Metrics::Global().Inc("vigil_webhook_requests_total", {{"watcher", watcher}, {"outcome", outcome}});
}

HttpResponse Unavailable(const std::string& reason) {
  auto res = HttpResponse::Json(503, json{{"error", "unavailable"}, {"reason", reason}}.dump());
  res.headers.emplace_back("Retry-After", "5");
  return res;
}

}  // namespace

HookRoutes::HookRoutes(LoopPoster& poster, EventWriterOptions writer_options, std::string base_url)
    : poster_(poster), writer_(std::move(writer_options)), table_(std::make_shared<HookTable>()), base_url_(std::move(base_url)) {}

void HookRoutes::DescribeMetrics() {
  Metrics::Global().Describe("vigil_webhook_requests_total", "counter",
                             "Webhook requests, by watcher and outcome (accepted, duplicate, unauthorized, rejected, "
                             "invalid, unavailable).");
}

void HookRoutes::AddTo(Router& router) {
  for (const char* method : {"POST", "PUT", "PATCH", "GET", "DELETE"}) {
    router.Add(method, "/hooks/*", [this](HttpRequest&& req, Responder respond) { Handle(std::move(req), std::move(respond)); },
               "/hooks/*");
  }
}

Result<std::shared_ptr<const HookTable>> HookRoutes::TableFrom(const Config& config) {
  auto table = std::make_shared<HookTable>();
  const auto& watchers = config.tree().value("watchers", json::array());
  for (size_t i = 0; i < watchers.size(); ++i) {
    const auto& w = watchers[i];
    if (w.value("type", "") != "webhook" || !w.value("enabled", true)) continue;
    auto hook = WebhookWatcher::From(w, "watchers[" + std::to_string(i) + "]");
    if (!hook.ok()) return hook.status();
    std::string path = hook->path();
    if (table->count(path)) return Status::Error("two webhook watchers answer on " + path);
    auto shared = std::make_shared<const WebhookWatcher>(std::move(*hook));
    (*table)[path] = shared;
    // A platform row answers at /hooks/<id> and, when its name is unique and URL-safe, at
    // /hooks/<name> too (decided with the other rows in sight: daemon/platform_watchers.cpp).
    std::string alias = w.contains("platform_row") ? w["platform_row"].value("alias", "") : "";
    if (!alias.empty() && !table->count(alias)) (*table)[alias] = shared;
  }
  return std::shared_ptr<const HookTable>(std::move(table));
}

void HookRoutes::Install(std::shared_ptr<const HookTable> table) {
  spdlog::info("webhook hooks: {}", table->size());
  for (const auto& [path, hook] : *table) spdlog::info("webhook hook \"{}\" at {}{}", hook->name(), base_url_, path);
  table_ = std::move(table);
}

void HookRoutes::Handle(HttpRequest&& request, Responder respond) {
  auto found = table_->find(request.path);
  if (found == table_->end()) return respond(HttpResponse::Json(404, R"({"error":"not found"})"));
  std::shared_ptr<const WebhookWatcher> hook = found->second;
  HookDecision d = hook->Decide(request, std::chrono::system_clock::now());
  if (d.outcome != HookOutcome::kAccepted) {
    Count(hook->name(), HookOutcomeName(d.outcome));
    if (d.outcome == HookOutcome::kUnauthorized)
      spdlog::warn("webhook {}: refused a request from {}: {}", hook->name(), request.remote_addr, d.response.body);
    return respond(std::move(d.response));
  }
  Store(hook, std::move(d.event), std::move(respond));
}

void HookRoutes::Store(const std::shared_ptr<const WebhookWatcher>& hook, Event event, Responder respond) {
  auto shared_respond = std::make_shared<Responder>(std::move(respond));
  std::string name = hook->name();
  PendingEvent pending{name, hook->community(), std::move(event), nullptr};
  pending.done = [this, name, shared_respond](const EventWriteResult& r) {
    poster_.Post([name, shared_respond, r] {
      if (r.kind == EventWriteResult::Kind::kUnavailable) {
        Count(name, "unavailable");
        return (*shared_respond)(Unavailable("the event could not be stored; retry later"));
      }
      bool duplicate = r.kind == EventWriteResult::Kind::kDuplicate;
      Count(name, duplicate ? "duplicate" : "accepted");
      (*shared_respond)(HttpResponse::Json(202, json{{"event_id", r.event_id}, {"duplicate", duplicate}}.dump()));
    });
  };
  if (!writer_.Submit(std::move(pending))) {
    Count(name, "unavailable");
    (*shared_respond)(Unavailable("too many events waiting to be stored"));
  }
}

void HookRoutes::Stop() { writer_.Stop(); }

}  // namespace vigil
