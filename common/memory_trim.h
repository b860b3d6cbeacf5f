// Memory an idle daemon hands back to the kernel, in two kinds.
//
// ReturnFreedMemory: freed heap. glibc's malloc keeps what a burst of work freed (the first polls'
// parsed feeds, a webhook burst's payloads) in its arenas for reuse, and an idle daemon's resident
// memory stays at its busiest; malloc_trim returns the free pages of every arena. Elsewhere than
// glibc it does nothing.
//
// ReleaseCodePages: the pages of code and read-only data (the binary's and every shared library's
// segments that are never written) stop being mapped into the process; they stay in the kernel's
// page cache, and the next instruction that needs one maps it back from there (a minor fault, as
// when the daemon started). Start-up runs the config, the migrations and every subsystem's set-up
// once, and libraries' initializers run once, so what an idle daemon has mapped is mostly code it
// does not run: 20 MB of its 28 MB were mapped files (bench/README.md, "Code pages"), 6.5 MB once
// released and its idle work (heartbeats, timers) mapped its code back. The kernel would drop the
// same clean pages under memory pressure; this lets them go while there is none, so the daemon's
// resident set is what it uses.
// Only segments that are never written are released (no relocated tables, no data), and never in a
// process being traced: a debugger's breakpoints live in private copies of the code's pages, which
// releasing would discard (so would a uprobe's, such as bpftrace's, which then stops firing in this
// process until it is attached again). Returns the bytes released (0 when skipped).
//
// A few milliseconds at most: callers run them when work has just ended (after start-up, and by
// the job engine's maintainer when jobs ran since its last wake and none runs now, and by a job
// worker when it lets go of its connections a minute after its last job), never on a hot path.
// ReleaseCodePages takes about half a millisecond (the page-table entries it clears).
#pragma once

#include <cstddef>

namespace vigil {

void ReturnFreedMemory();

std::size_t ReleaseCodePages();

// Both, as the daemon's idle moments call them: the freed heap, then the code that freed it.
void ReturnIdleMemory();

}  // namespace vigil
