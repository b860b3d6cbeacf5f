// Small pieces of HTTP/1.1 framing used by HttpConnection: the response head it writes, and what
// it reads out of a request (target split, Expect, Connection) and of the socket (peer address).
// Pure functions, any thread.
#pragma once

#include <uv.h>

#include <string>
#include <string_view>

#include "common/http/http_types.h"

namespace vigil {

// Appends status line, the response's headers and the framing headers to `out`. Content-Length
// is always written (except for statuses that carry no body: 1xx, 204, 304, which also go without
// the handler's Content-Type and Content-Encoding), computed from `body_size`; any
// Content-Length, Transfer-Encoding or Connection header of the response is replaced by ours:
// "Connection: close" when `close`, "Connection: keep-alive" when `keep_alive_10` (an HTTP/1.0
// client that asked for it).
void AppendResponseHead(std::string& out, const HttpResponse& response, size_t body_size, bool close,
                        bool keep_alive_10);

// The head of a streamed response (HttpResponse::stream): like AppendResponseHead but without
// Content-Length, with "Transfer-Encoding: chunked" when `chunked` (HTTP/1.1; an HTTP/1.0 body ends
// when the connection closes), and always "Connection: close".
void AppendStreamHead(std::string& out, const HttpResponse& response, bool chunked);

// Appends `bytes` to `out` as one chunk of a chunked body (nothing for empty bytes: an empty chunk
// would end the body).
void AppendChunk(std::string& out, std::string_view bytes);
// The last chunk of a chunked body.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// 1xx, 204 and 304 responses have no body.
bool ResponseMayHaveBody(int status);

// True if the handler's response asks for the connection to close ("Connection: close").
bool WantsClose(const HttpResponse& response);

// True if the request carries "Expect: 100-continue".
bool ExpectsContinue(const HttpRequest& request);

// RFC 9112 3.2: an HTTP/1.1 request carries exactly one Host header (HTTP/1.0 may omit it).
// Returns "" when the head is acceptable, else why not ("two Host headers").
std::string HostHeaderProblem(const HttpRequest& request, bool http11);

// The answer to a request the server refuses before a handler sees it (400, 408, 413, 431, 500):
// under /api/ and /hooks/, where every answer is JSON, {"error": "<reason phrase, lower case>"};
// plain text elsewhere.
HttpResponse RefusalResponse(int status, std::string_view target);

// Fills request.path and request.query from request.target (split at the first '?').
void SplitTarget(HttpRequest& request);

// The peer's IP address as text ("127.0.0.1", "::1"); empty if unknown.
std::string PeerAddress(const uv_tcp_t* tcp);

// Advances past `written` bytes of bufs[0..n); returns the first buffer with bytes left (trimmed),
// or nullptr if everything was written.
uv_buf_t* SkipWritten(uv_buf_t* bufs, unsigned n, size_t written);

}  // namespace vigil
