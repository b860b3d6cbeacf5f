// Building signed webhook requests for tests, as GitHub, Stripe and Slack sign them (computed here
// with HMAC from common/, independently of the verifier under test).
#pragma once

#include <string>

#include "common/hex.h"
#include "common/hmac.h"
#include "common/http/http_types.h"
#include "tests/support/http_test_client.h"

namespace vigil::testing {

inline std::string GithubSignature(const std::string& secret, const std::string& body) {
  return "sha256=" + HexEncode(HmacSha256(secret, body));
}

inline HttpRequest GithubRequest(const std::string& secret, const std::string& event, const std::string& delivery,
                                 const std::string& body, const std::string& path = "/hooks/gh") {
  HttpRequest r;
  r.method = "POST";
  r.target = r.path = path;
  r.remote_addr = "127.0.0.1";
  r.body = body;
  r.headers = {{"Content-Type", "application/json"},
               {"X-GitHub-Event", event},
               {"X-GitHub-Delivery", delivery},
               {"X-Hub-Signature-256", GithubSignature(secret, body)}};
  return r;
}

inline HttpRequest SlackRequest(const std::string& secret, int64_t timestamp, const std::string& content_type,
                                const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.target = r.path = "/hooks/slack";
  r.remote_addr = "127.0.0.1";
  r.body = body;
  std::string ts = std::to_string(timestamp);
  r.headers = {{"Content-Type", content_type},
               {"X-Slack-Request-Timestamp", ts},
               {"X-Slack-Signature", "v0=" + HexEncode(HmacSha256(secret, "v0:" + ts + ":" + body))}};
  return r;
}

inline HttpRequest StripeRequest(const std::string& secret, int64_t timestamp, const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.target = r.path = "/hooks/stripe";
  r.remote_addr = "127.0.0.1";
  r.body = body;
  std::string ts = std::to_string(timestamp);
  r.headers = {{"Content-Type", "application/json"},
               {"Stripe-Signature", "t=" + ts + ",v1=" + HexEncode(HmacSha256(secret, ts + "." + body))}};
  return r;
}

// The request as bytes on the wire (for a RawHttpClient).
inline std::string Wire(const HttpRequest& r) {
  std::string headers;
  for (const auto& [name, value] : r.headers) headers += name + ": " + value + "\r\n";
  return testsupport::MakeRequest(r.method, r.path, r.body, headers);
}

}  // namespace vigil::testing
