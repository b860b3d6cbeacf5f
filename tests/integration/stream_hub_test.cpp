// StreamHub (daemon/admin/stream_hub.h) behind a real HttpServer on loopback, with its feed on a
// real SQLite database: a stream opened with a session cookie ends cleanly after the re-check
// period (its client reconnects and the cookie is checked again), while a bearer-token stream
// stays open.
#include <gtest/gtest.h>

#include "daemon/admin/stream_hub.h"
#include "tests/support/http_server_fixture.h"
#include "tests/support/sse_test_client.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testsupport::SseTestClient;

class StreamHubTest : public testsupport::HttpServerFixture {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    feed_ = std::make_unique<DbThread>(SqlTarget{db_.url()}, "test-feed");
    StreamHubOptions options;
    options.poll_every = 50ms;
    options.session_recheck_every = 300ms;
    loop_thread_.Run([&] {
      poster_ = std::make_unique<LoopPoster>(loop());
      hub_ = std::make_unique<StreamHub>(loop(), *feed_, *poster_, options);
    });
    route_ = hub_->Route();
    StartServer([this](HttpRequest&& req, Responder respond) { route_.on_loop(req, std::move(respond)); });
  }
  void TearDown() override {
    loop_thread_.Run([&] { hub_->Close(); });
    feed_->Stop();
    loop_thread_.Run([&] { poster_->Close(); });
    HttpServerFixture::TearDown();
  }

  testing::TestDb db_{"sqlite"};
  std::unique_ptr<SqlConnection> conn_;
  std::unique_ptr<DbThread> feed_;
  std::unique_ptr<LoopPoster> poster_;
  std::unique_ptr<StreamHub> hub_;
  ApiRoute route_;
};

TEST_F(StreamHubTest, ASessionStreamEndsForARecheckWhileABearerStreamStays) {
  SseTestClient by_cookie(port(), "/api/v1/stream", "Cookie: vigil_session=v1.x\r\n");
  SseTestClient by_token(port(), "/api/v1/stream", "Authorization: Bearer t\r\n");
  ASSERT_EQ(by_cookie.ReadHead(5s), 200);
  ASSERT_EQ(by_token.ReadHead(5s), 200);
  auto first = by_token.Next(5s);
  ASSERT_TRUE(first && first->retry == "2000");
  EXPECT_TRUE(by_cookie.WaitEnd(3s));
  EXPECT_TRUE(by_cookie.ended_cleanly()) << "the last chunk: the client reconnects";
  EXPECT_FALSE(by_token.WaitEnd(500ms)) << "a bearer stream is not ended";
}

}  // namespace
}  // namespace vigil
