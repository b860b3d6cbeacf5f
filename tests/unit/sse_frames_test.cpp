// The live stream's text (daemon/admin/sse_frames.h): frames as an EventSource reads them, and
// the cursor a client resumes from.
#include "daemon/admin/sse_frames.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

HttpRequest WithHeaderAndQuery(const std::string& last_event_id, const std::string& query) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/api/v1/stream";
  r.query = query;
  if (!last_event_id.empty()) r.headers.emplace_back("Last-Event-ID", last_event_id);
  return r;
}

TEST(SseFrames, FrameCarriesIdEventAndOneDataLine) {
  EXPECT_EQ(SseFrame(42, "job", R"({"id":7,"state":"running"})"), "id: 42\nevent: job\ndata: {\"id\":7,\"state\":\"running\"}\n\n");
}

TEST(SseFrames, LineBreaksInDataBecomeSeveralDataLines) {
  EXPECT_EQ(SseFrame(1, "event", "a\nb\r\nc\rd"), "id: 1\nevent: event\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(SseFrame(1, "event", ""), "id: 1\nevent: event\ndata: \n\n");
}

TEST(SseFrames, CommentAndRetry) {
  EXPECT_EQ(SseComment("keepalive"), ": keepalive\n\n");
  EXPECT_EQ(SseRetry(2000), "retry: 2000\n\n");
}

TEST(SseFrames, ResumesFromLastEventIdBeforeSinceId) {
  auto r = StreamResumeFrom(WithHeaderAndQuery("17", "since_id=3"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(*r, 17);
  r = StreamResumeFrom(WithHeaderAndQuery("", "since_id=3"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 3);
  r = StreamResumeFrom(WithHeaderAndQuery("", ""));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  r = StreamResumeFrom(WithHeaderAndQuery("0", ""));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0);
}

TEST(SseFrames, RefusesCursorsItNeverSent) {
  for (const char* bad : {"-1", "x", "1.5", " 2", "99999999999999999999", "12abc"}) {
    auto r = StreamResumeFrom(WithHeaderAndQuery(bad, ""));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error(), "Last-Event-ID must be an id this stream sent (a whole number)");
  }
  auto r = StreamResumeFrom(WithHeaderAndQuery("", "since_id=abc"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "since_id must be an id this stream sent (a whole number)");
}

}  // namespace
}  // namespace vigil
