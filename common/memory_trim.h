// Freed heap memory handed back to the kernel. glibc's malloc keeps what a burst of work freed
// (the first polls' parsed feeds, a webhook burst's payloads) in its arenas for reuse, and an idle
// daemon's resident memory stays at its busiest; malloc_trim returns the free pages of every
// arena. A few milliseconds at most for a daemon's heap: callers run it when work has just ended
// (after start-up, and by the job engine's maintainer when jobs ran since its last wake and none
// runs now), never on a hot path. Elsewhere than glibc it does nothing.
#pragma once

namespace vigil {

void ReturnFreedMemory();

}  // namespace vigil
