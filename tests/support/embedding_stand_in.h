// A loopback OpenAI-compatible embeddings provider for end-to-end tests: what a request asked to
// embed, and an answer giving each input its offline feature-hashing vector (local_embedder.h),
// so a test can tell which texts were sent and what each stored vector must be.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/support/stand_in_server.h"

namespace vigil::testsupport {

// The texts of a well-formed POST /v1/embeddings request; nullopt for anything else.
std::optional<std::vector<std::string>> EmbeddingRequestTexts(const HttpRequest& req);

// Answers every input with LocalHashEmbedding(text, dims), after `delay_ms`; a 400 for a
// request that is not a well-formed embeddings request.
ScriptedAnswer AnswerEmbeddings(const HttpRequest& req, int dims, uint64_t delay_ms = 0);

}  // namespace vigil::testsupport
