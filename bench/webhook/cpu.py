"""CPU per event by thread, for bench/webhook_bench.sh.

  cpu.py snap OUT PID [POSTMASTER_PID]   one JSON snapshot: the machine's busy time (/proc/stat),
                                        each thread of PID by name (/proc/PID/task/*/comm), and,
                                        given a postmaster, each PostgreSQL process by role
  cpu.py report LABEL A B C EVENTS BEHIND DRAIN_S
                                        a markdown table: microseconds of CPU per stored event,
                                        by thread name, from A to B (the load) and from A to C
                                        (the load and the triage of what was left: BEHIND events
                                        in the triage queue when the load stopped, DRAIN_S seconds
                                        to empty it)

Times are utime + stime in clock ticks (10 ms): over the bench's tens of thousands of events that
resolves well under a microsecond an event. Threads of one name (the four job workers) are added
up. A PostgreSQL backend is named by its role in its process title ("postgres: walwriter") or,
for a client's backend, "postgres: backend"; backends that exited in the window are counted by the
postmaster's reaped children's time. "machine, all" is every core's busy time (wrk and anything
else running included); "rest" is that less the named rows.
"""
import json
import os
import sys

TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")


def ticks(stat_text, children=False):
    # The command name (field 2) may hold spaces; the fields after its closing parenthesis start at 3.
    fields = stat_text[stat_text.rindex(")") + 2:].split()
    own = int(fields[11]) + int(fields[12])  # utime (14), stime (15)
    return own + (int(fields[13]) + int(fields[14]) if children else 0)  # cutime, cstime


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:  # the thread or process ended between listing and reading
        return None


def machine_busy():
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    return sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait


def vigil_threads(pid):
    names = {}
    for tid in os.listdir("/proc/%s/task" % pid):
        comm, stat = read("/proc/%s/task/%s/comm" % (pid, tid)), read("/proc/%s/task/%s/stat" % (pid, tid))
        if comm is None or stat is None:
            continue
        name = "vigil: " + comm.strip()
        names[name] = names.get(name, 0) + ticks(stat)
    return names


def postgres_processes(postmaster):
    stat = read("/proc/%s/stat" % postmaster)
    names = {"postgres: postmaster and exited backends": ticks(stat, children=True)}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        stat = read("/proc/%s/stat" % pid)
        if stat is None or stat[stat.rindex(")") + 2:].split()[1] != str(postmaster):
            continue
        title = (read("/proc/%s/cmdline" % pid) or "").replace("\0", " ").strip()
        role = title.split(":", 1)[1].strip() if ":" in title else title
        known = ("checkpointer", "background writer", "walwriter", "autovacuum", "logical replication",
                 "stats", "archiver")
        name = "postgres: " + next((k for k in known if role.startswith(k)), "backend")
        names[name] = names.get(name, 0) + ticks(stat)
    return names


def snap(out, pid, postmaster=None):
    threads = vigil_threads(pid)
    if postmaster:
        threads.update(postgres_processes(postmaster))
    with open(out, "w") as f:
        json.dump({"machine": machine_busy(), "threads": threads}, f)


def report(label, a, b, c, events, behind, drain_s):
    snaps = []
    for path in (a, b, c):
        with open(path) as f:
            snaps.append(json.load(f))
    first, load, drained = snaps
    events = int(events)

    def per_event(later, name):
        return (later["threads"].get(name, 0) - first["threads"].get(name, 0)) * TICK_US / events

    names = sorted(set(first["threads"]) | set(drained["threads"]),
                   key=lambda n: -per_event(drained, n))
    print("%s: CPU per stored event (%d events; %s still in the triage queue when the load stopped, emptied"
          " %s s later), microseconds" % (label, events, behind, drain_s))
    print()
    print("| thread | during the load | load and triage drained |")
    print("|---|---|---|")
    named = [0.0, 0.0]
    for name in names:
        during, total = per_event(load, name), per_event(drained, name)
        named[0] += during
        named[1] += total
        if total >= 0.5:
            print("| %s | %.0f | %.0f |" % (name, during, total))
    machine = [(s["machine"] - first["machine"]) * TICK_US / events for s in (load, drained)]
    print("| vigil and postgres, all | %.0f | %.0f |" % tuple(named))
    print("| rest (wrk, other work) | %.0f | %.0f |" % (machine[0] - named[0], machine[1] - named[1]))
    print("| machine, all | %.0f | %.0f |" % tuple(machine))
    print()


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "snap":
        snap(*sys.argv[2:5])
    elif len(sys.argv) == 9 and sys.argv[1] == "report":
        report(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
