// ExtractiveGenerator: the default handoff-note generator, which makes no network call. It fills
// the six sections from the decrypted messages themselves and from the pair's previous note:
//   GOAL                the last goal a user stated ("I want", "we need", "the goal", ...)
//   DECISIONS MADE      sentences that record a decision ("decided", "let's go with", "agreed", ...)
//   CURRENT STATUS      the opening of the newest assistant message (else the newest message)
//   ACTIVE FILE         file paths named in the messages, the latest first
//   PREFERENCES         what a user asked for always or never ("I prefer", "please don't", ...)
//   RESUME INSTRUCTION  the newest user request, to pick up from
// A section the messages say nothing about keeps the previous note's text, else "(not stated)".
// Lists keep the newest few entries; every sentence is cut on a character boundary, so a note
// stays a few KB however long the conversation.
//
// Threads: pure; any thread.
#pragma once

#include "jobs/maintenance/handoff_generator.h"

namespace vigil {

class ExtractiveGenerator : public HandoffGenerator {
 public:
  Result<HandoffNote> Generate(const HandoffInput& input, const CancelToken* cancel) override;
  const char* kind() const override { return "extractive"; }
};

// The note ExtractiveGenerator writes (its whole work, as a function for tests).
std::string ExtractiveNote(const HandoffInput& input);

}  // namespace vigil
