#include "common/uuid.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace vigil {
namespace {

// RFC 9562 method 1: within one millisecond a 12-bit counter follows the timestamp, so ids made
// by this process sort in creation order (keyset pagination relies on it).
void NextTimestampAndCounter(uint64_t* ms, uint16_t* counter) {
  static std::mutex mu;
  static uint64_t last_ms = 0;
  static uint16_t last_counter = 0;
  std::lock_guard<std::mutex> lock(mu);
  uint64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (now > last_ms) {
    last_ms = now;
    last_counter = 0;
  } else if (++last_counter > 0x0fff) {
    ++last_ms;  // counter exhausted: borrow the next millisecond
    last_counter = 0;
  }
  *ms = last_ms;
  *counter = last_counter;
}

}  // namespace

std::string NewUuid() {
  uint8_t b[16];
  RAND_bytes(b, sizeof b);
  uint64_t ms;
  uint16_t counter;
  NextTimestampAndCounter(&ms, &counter);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((counter >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(counter & 0xff);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  char out[37];
  snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
           b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

}  // namespace vigil
