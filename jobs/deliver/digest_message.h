// What a digest delivery sends, per channel type (the digest counterpart of delivery_message.h):
// the outbound webhook's JSON (every item, for machines), and for people a Slack message and an
// e-mail that group the items by signal, strongest first, each with its title (linked), source,
// signal and score, showing at most `shown` items and then "and N more". Pure functions; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "jobs/deliver/delivery_message.h"
#include "store/digest_repo.h"

namespace vigil {

// Items a Slack message or an e-mail shows before "and N more": a morning's reading, and well
// inside Slack's limits (50 blocks, 3,000 characters a section).
inline constexpr size_t kDigestShownItems = 20;

// {"type": "digest", "digest": {...DigestToJson...}}: all items, however many.
nlohmann::json DigestWebhookPayload(const DigestRow& d);

// "Digest for oncology: 12 items (2 high, 3 medium, 7 low)"
std::string DigestHeadline(const DigestRow& d);

// {"text": headline, "blocks": [header, a section per signal group, "and N more"]} in mrkdwn.
nlohmann::json DigestSlackPayload(const DigestRow& d, size_t shown = kDigestShownItems);

// Subject "[vigil digest] oncology: 12 items"; a numbered plain-text list grouped by signal.
EmailText DigestEmail(const DigestRow& d, size_t shown = kDigestShownItems);

}  // namespace vigil
