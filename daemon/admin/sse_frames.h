// The text of the live stream (GET /api/v1/stream): Server-Sent Events frames as the HTML
// standard reads them, and the cursor a client resumes from. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/http/http_types.h"
#include "common/status.h"

namespace vigil {

// "id: <id>\nevent: <event>\ndata: <line>\n\n". Each line of `data` becomes its own "data:" line
// (a client joins them with "\n" again), so a stray CR or LF cannot end the frame early.
std::string SseFrame(int64_t id, std::string_view event, std::string_view data);

// A comment line that keeps an idle connection open through proxies: ": <text>\n\n".
std::string SseComment(std::string_view text);

// How long a client waits before reconnecting: "retry: <ms>\n\n".
std::string SseRetry(int ms);

// Where a client resumes: the Last-Event-ID header, else the since_id query parameter; nullopt
// when neither is given (or the header is empty, as a first connection may send it). An error
// when the value is not a number from 0 to the largest int64 (the ids this stream sends).
Result<std::optional<int64_t>> StreamResumeFrom(const HttpRequest& req);

}  // namespace vigil
