// sd_notify(3) without libsystemd: datagrams to $NOTIFY_SOCKET ("/path" or "@abstract").
// Safe from any thread. Without NOTIFY_SOCKET every call is a no-op returning false.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace vigil {

// Sends `state` ("READY=1", "STATUS=serving", ...). True if the datagram was sent.
bool SdNotify(const std::string& state);

// Half of $WATCHDOG_USEC when the watchdog is enabled for this process (WATCHDOG_PID unset or
// ours), else nullopt.
std::optional<std::chrono::milliseconds> SdWatchdogInterval();

// Listening sockets passed by systemd socket activation ($LISTEN_FDS for our pid), starting at fd 3.
int SdListenFds();

}  // namespace vigil
