// Runtime::Parsed: settings are parsed once per config load, by whichever worker asks first,
// and again only after a reload swaps the config.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "config/config.h"
#include "jobs/engine/runtime.h"

namespace vigil {
namespace {

std::atomic<int> parses{0};

Result<std::string> ListenOf(const Config& config) {
  ++parses;
  return config.GetString("http.listen");
}

Result<int> AlwaysFails(const Config&) {
  ++parses;
  return Status::Error("no such setting");
}

std::shared_ptr<const Config> ConfigListeningOn(const std::string& listen) {
  auto c = Config::Parse("database:\n  url: sqlite:x.db\nhttp:\n  listen: \"" + listen + "\"\n", "/etc/vigil/vigil.yaml");
  EXPECT_TRUE(c.ok()) << c.error();
  return *c;
}

TEST(RuntimeParsed, ParsesOncePerLoadWhateverTheNumberOfWorkers) {
  parses = 0;
  Runtime runtime(ConfigListeningOn("127.0.0.1:1111"));
  std::vector<std::thread> workers;
  for (int i = 0; i < 8; ++i) {
    workers.emplace_back([&] {
      for (int j = 0; j < 100; ++j) EXPECT_EQ(**runtime.Parsed(&ListenOf), "127.0.0.1:1111");
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(parses, 1);
}

TEST(RuntimeParsed, AReloadIsParsedAgainAndAnErrorIsKeptLikeAValue) {
  parses = 0;
  Runtime runtime(ConfigListeningOn("127.0.0.1:1111"));
  EXPECT_EQ(**runtime.Parsed(&ListenOf), "127.0.0.1:1111");
  EXPECT_EQ(runtime.Parsed(&AlwaysFails)->error(), "no such setting");
  EXPECT_EQ(runtime.Parsed(&AlwaysFails)->error(), "no such setting");
  EXPECT_EQ(parses, 2);
  runtime.set_config(ConfigListeningOn("127.0.0.1:2222"));
  EXPECT_EQ(**runtime.Parsed(&ListenOf), "127.0.0.1:2222");
  EXPECT_EQ(parses, 3);
}

}  // namespace
}  // namespace vigil
