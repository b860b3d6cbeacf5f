#include "common/http/curl_transfer.h"

#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <set>

#include "common/http/http_url.h"

namespace vigil {
namespace {

// State the libcurl callbacks of one transfer share; lives on PerformTransfer's stack.
struct TransferContext {
  CURL* easy = nullptr;
  const TransferSettings* settings = nullptr;
  const CancelToken* cancel = nullptr;
  Status refusal;                      // first address-guard refusal; sticky for the transfer
  std::set<std::string> hosts_resolved;  // hosts whose every address CheckHost has vetted
  bool body_too_large = false;
  TransferOutcome* out = nullptr;
};

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* ctx = static_cast<TransferContext*>(user);
  size_t bytes = size * n;
  if (ctx->out->body.size() + bytes > ctx->settings->max_body_bytes) {
    ctx->body_too_large = true;
    return 0;  // anything but `bytes` aborts the transfer with CURLE_WRITE_ERROR
  }
  ctx->out->body.append(data, bytes);
  return bytes;
}

std::string Trim(std::string s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  size_t end = s.find_last_not_of(" \t\r\n");
  return begin == std::string::npos ? std::string() : s.substr(begin, end - begin + 1);
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* ctx = static_cast<TransferContext*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    ctx->out->headers.clear();  // a new response (after a redirect or a 100 Continue)
  } else if (size_t colon = line.find(':'); colon != std::string::npos) {
    ctx->out->headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* ctx = static_cast<TransferContext*>(user);
  return ctx->cancel != nullptr && ctx->cancel->cancelled() ? 1 : 0;
}

// The host libcurl is connecting for: the effective URL follows redirects as they happen.
std::string CurrentHost(CURL* easy) {
  char* url = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK || url == nullptr) return "";
  auto parts = ParseHttpUrl(url);
  return parts.ok() ? parts->host : "";
}

Status CheckSocket(TransferContext& ctx, const sockaddr* address) {
  std::string host = CurrentHost(ctx.easy);
  if (host.empty()) return Status::Error("refused: cannot tell which host is being connected to");
  const AddressGuard& guard = *ctx.settings->guard;
  Status status = guard.CheckAddress(host, address);
  if (status.ok() && ctx.hosts_resolved.insert(host).second) status = guard.CheckHost(host);
  return status;
}

// Runs before every connect(): the one place that sees the address actually used, whatever DNS
// said earlier and wherever a redirect led.
curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* ctx = static_cast<TransferContext*>(user);
  if (ctx->settings->guard != nullptr && purpose == CURLSOCKTYPE_IPCXN) {
    if (!ctx->refusal.ok()) return CURL_SOCKET_BAD;
    ctx->refusal = CheckSocket(*ctx, &address->addr);
    if (!ctx->refusal.ok()) return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

bool IsRetryableCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

void SetMethodAndBody(CURL* easy, const HttpClientRequest& request) {
  if (request.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method != "POST" || request.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (request.method == "POST" || !request.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
  }
}

HeaderList BuildHeaders(const HttpClientRequest& request, const HttpHeaders& extra_headers) {
  HeaderList list(nullptr, curl_slist_free_all);
  auto add = [&](const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown != nullptr) {
      (void)list.release();
      list.reset(grown);
    }
  };
  // No "Expect: 100-continue" round trip for large bodies: our peers answer at once.
  add("Expect:");
  for (const auto& [name, value] : request.headers) add(name + ": " + value);
  for (const auto& [name, value] : extra_headers) add(name + ": " + value);
  return list;
}

void SetOptions(CURL* easy, const HttpClientRequest& request, const TransferSettings& settings,
                TransferContext& ctx, curl_slist* headers, char* error_buffer) {
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, settings.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, request.max_redirects > 0 ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(settings.connect_timeout, request.timeout).count()));
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings.max_body_bytes));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &ctx);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &ctx);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &ctx);
  if (settings.guard != nullptr) {
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &ctx);
  }
  SetMethodAndBody(easy, request);
}

Status DescribeFailure(const TransferContext& ctx, const HttpClientRequest& request, CURLcode code,
                       const char* error_buffer) {
  std::string what = request.method + " " + LoggableUrl(request) + ": ";
  if (!ctx.refusal.ok()) return Status::Error(ctx.refusal.message());
  if (ctx.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return Status::Error(what + "response body larger than the cap of " +
                         std::to_string(ctx.settings->max_body_bytes) + " bytes");
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) return Status::Error(what + "cancelled");
  if (code == CURLE_TOO_MANY_REDIRECTS) {
    return Status::Error(what + "too many redirects (more than " + std::to_string(request.max_redirects) + ")");
  }
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  return WithLoggableUrl(Status::Error(what + detail), request);
}

}  // namespace

TransferOutcome PerformTransfer(CURL* easy, const HttpClientRequest& request, const HttpHeaders& extra_headers,
                                const TransferSettings& settings, const CancelToken* cancel) {
  TransferOutcome out;
  TransferContext ctx{easy, &settings, cancel, Status::Ok(), {}, false, &out};
  char error_buffer[CURL_ERROR_SIZE] = "";
  HeaderList headers = BuildHeaders(request, extra_headers);
  curl_easy_reset(easy);  // keeps the connection and DNS caches, drops the previous request's options
  SetOptions(easy, request, settings, ctx, headers.get(), error_buffer);
  CURLcode code = curl_easy_perform(easy);
  char* final_url = nullptr;
  curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &final_url);
  out.final_url = final_url != nullptr ? final_url : request.url;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  if (code != CURLE_OK) {
    out.error = DescribeFailure(ctx, request, code, error_buffer);
    out.retryable = ctx.refusal.ok() && !ctx.body_too_large && IsRetryableCurlError(code);
  }
  curl_easy_reset(easy);  // the handle must not keep pointers into this stack frame
  return out;
}

}  // namespace vigil
