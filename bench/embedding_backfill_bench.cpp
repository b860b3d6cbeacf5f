// Benchmark of embedding_backfill: how much of a backfill's wall time is vigil's own work
// (reading pages, batching, encoding, writing) and how much the provider's, batched against one
// row per request, and whether memory stays flat as rows grow. vigil writes batch N while batch
// N+1 is at the provider, so its busy time and the part of it that adds to the wall time (no
// request on the wire) are reported apart.
//
//   embedding_backfill_bench serve DIM [MS]     a provider that answers at once (or after MS
//                                               milliseconds per request): POST /v1/embeddings ->
//                                               one constant DIM-float vector per input (prints
//                                               its port, runs until killed)
//   embedding_backfill_bench run URL ROWS BATCH [float|base64 [DB_URL]]
//                                               fills ROWS messages into a fresh SQLite file (or
//                                               DB_URL), backfills them through URL asking for
//                                               that encoding_format, prints JSON
//
// bench/embedding_backfill_bench.sh runs both under /usr/bin/time -v for peak RSS.
#include <uv.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/base64.h"
#include "common/http/curl_http_client.h"
#include "daemon/http/http_server.h"
#include "jobs/maintenance/embedding_backfill_job.h"
#include "jobs/maintenance/vector_column.h"
#include "store/migrator.h"

namespace {

using namespace vigil;

// Answers `respond` after `ms` milliseconds from a one-shot timer on the default loop.
void RespondAfter(uint64_t ms, Responder respond, HttpResponse response) {
  struct Pending {
    uv_timer_t timer;
    Responder respond;
    HttpResponse response;
  };
  auto* p = new Pending{{}, std::move(respond), std::move(response)};
  uv_timer_init(uv_default_loop(), &p->timer);
  p->timer.data = p;
  uv_timer_start(&p->timer, [](uv_timer_t* t) {
    auto* p = static_cast<Pending*>(t->data);
    p->respond(std::move(p->response));
    uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) { delete static_cast<Pending*>(h->data); });
  }, ms, 0);
}

int Serve(int dim, uint64_t delay_ms) {
  // Typical magnitudes with OpenAI's digit count, so the answer's size is realistic (~10 bytes a float).
  std::vector<float> vector(static_cast<size_t>(dim));
  for (size_t i = 0; i < vector.size(); ++i) vector[i] = (i % 2 ? -0.012345678f : 0.023456789f) / float(1 + i % 7);
  std::string as_floats = VectorJson(vector);
  std::string as_base64 = "\"" + Base64Encode(std::string_view(reinterpret_cast<const char*>(vector.data()), vector.size() * sizeof(float))) + "\"";
  HttpServer server(uv_default_loop(), HttpLimits{.max_body_bytes = 64 << 20}, [=](HttpRequest&& req, Responder respond) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    size_t n = body.is_discarded() ? 0 : body["input"].size();
    const std::string& one = !body.is_discarded() && body.value("encoding_format", "float") == "base64" ? as_base64 : as_floats;
    std::string out = "{\"object\":\"list\",\"data\":[";
    for (size_t i = 0; i < n; ++i) out += (i ? ",{\"index\":" : "{\"index\":") + std::to_string(i) + ",\"embedding\":" + one + "}";
    HttpResponse response = HttpResponse::Json(200, out + "]}");
    if (delay_ms == 0) return respond(std::move(response));
    RespondAfter(delay_ms, std::move(respond), std::move(response));
  });
  Status s = server.Listen("127.0.0.1", 0);
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  std::cout << server.port() << std::endl;
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}

Status Fill(SqlConnection& db, int rows) {
  Status s = db.ExecScript(
      "CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation_id TEXT, role TEXT, content TEXT NOT NULL, created_at TEXT);"
      "CREATE TABLE message_embeddings (id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, embedding BLOB,"
      " embedding_model TEXT, embedding_version TEXT, embedded_text TEXT, created_at TEXT);"
      "CREATE INDEX idx_me_message ON message_embeddings (message_id);");
  if (!s.ok()) return s;
  return InTransaction(db, true, [&]() -> Status {
    for (int i = 1; i <= rows; ++i) {
      std::string text = "Agent message " + std::to_string(i) + ": the trial's primary endpoint was met in the treated arm.";
      auto r = db.Query("INSERT INTO messages (id, role, content) VALUES ($1, 'agent', $2)", {int64_t(i), text});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
}

int Run(const std::string& provider_url, int rows, int batch, const std::string& encoding, std::string db_url) {
  std::filesystem::path file;
  if (db_url.empty()) {
    file = std::filesystem::temp_directory_path() / ("vigil-embed-bench-" + std::to_string(::getpid()) + ".db");
    db_url = "sqlite:" + file.string();
  }
  auto db = OpenSqlConnection(db_url);
  if (!db.ok() || !Migrate(**db).ok() || !Fill(**db, rows).ok()) {
    std::cerr << "setup failed\n";
    return 1;
  }
  EmbeddingBackfillConfig config;
  config.enabled = true;
  config.provider = {.kind = "openai", .base_url = provider_url, .model = "bench-model", .batch_size = batch};
  config.provider.encoding_format = encoding;
  config.targets.push_back(DefaultMessagesTarget());
  config.targets[0].destination.uuid_column = "";  // this fixture's key is an INTEGER PRIMARY KEY
  CurlHttpClient http(HttpClientOptions{.host_limits = {}});
  auto provider = MakeEmbeddingProvider(config.provider, &http);
  BackfillSummary s = RunEmbeddingBackfill(config, **db, **db, *provider, BackfillRun{});
  // provider_s: requests on the wire (the transfer and the stand-in's work; one at a time).
  // vigil_busy_s: what vigil's threads spent reading, encoding/decoding and writing, whether or
  // not it overlapped a request. vigil_exposed_s: the wall time with no request on the wire, that
  // is vigil's work on the critical path (what the pipeline could not hide behind a request).
  double embedded = static_cast<double>(s.targets[0].embedded);
  double busy_s = s.read_seconds + s.codec_seconds + s.write_seconds;
  double exposed_s = s.elapsed_seconds - s.provider_seconds;
  nlohmann::json out = {{"dialect", (*db)->dialect()}, {"encoding", encoding}, {"rows", rows}, {"batch", batch}, {"embedded", s.targets[0].embedded},
                        {"requests", s.requests}, {"elapsed_s", s.elapsed_seconds}, {"rows_per_s", embedded / s.elapsed_seconds},
                        {"provider_s", s.provider_seconds}, {"vigil_busy_s", busy_s}, {"vigil_busy_us_per_row", 1e6 * busy_s / embedded},
                        {"vigil_exposed_s", exposed_s}, {"vigil_exposed_share", exposed_s / s.elapsed_seconds},
                        {"vigil_exposed_us_per_row", 1e6 * exposed_s / embedded}, {"codec_s", s.codec_seconds}, {"read_s", s.read_seconds},
                        {"write_s", s.write_seconds}, {"error", s.error}};
  std::cout << out.dump() << std::endl;
  db->reset();
  if (!file.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  }
  return s.error.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve" && (argc == 3 || argc == 4)) return Serve(std::atoi(argv[2]), argc == 4 ? std::strtoull(argv[3], nullptr, 10) : 0);
  if (mode == "run" && argc >= 5 && argc <= 7) {
    return Run(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), argc >= 6 ? argv[5] : "float", argc == 7 ? argv[6] : "");
  }
  std::cerr << "usage: embedding_backfill_bench serve DIM [MS] | run URL ROWS BATCH [float|base64 [DB_URL]]\n";
  return 2;
}
