#!/usr/bin/python3
"""Prints the results of bench/jobs_bench.sh (one JSON object per line on stdin) as a table, with
each system's numbers relative to graphile-worker tuned (the row whose system is REFERENCE)."""
import json
import sys

REFERENCE = "graphile-worker (tuned)"


def main():
    rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
    ref = next((r for r in rows if r["system"] == REFERENCE), None)

    def ratio(value, base, higher_is_better=True):
        if not ref or not base or not value:
            return "-"
        return "%.2fx" % (value / base if higher_is_better else base / value)

    head = ("system", "enqueue jobs/s", "process jobs/s", "pickup ms", "enqueue x", "process x", "pickup x",
            "1-job commit ms")
    lines = [head]
    for r in rows:
        lines.append((r["system"], "{:,.0f}".format(r["enqueue_per_s"]), "{:,.0f}".format(r["process_per_s"]),
                      "%.2f" % r["pickup_ms"],
                      ratio(r["enqueue_per_s"], ref and ref["enqueue_per_s"]),
                      ratio(r["process_per_s"], ref and ref["process_per_s"]),
                      ratio(r["pickup_ms"], ref and ref["pickup_ms"], higher_is_better=False),
                      "%.2f" % r["enqueue_one_ms"]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("\nx: relative to %s; above 1 is better (for pickup: %s's latency / this one's)." % (REFERENCE, REFERENCE))
    print("pickup: median of the enqueue-to-start probes, from the moment the enqueuing COMMIT returned.")
    print("1-job commit: median time to enqueue one probe job, i.e. about one fsync of this disk at that time.")
    print("\nsettings:")
    for r in rows:
        print("  %-*s %s" % (widths[0], r["system"], r["settings"]))


if __name__ == "__main__":
    main()
