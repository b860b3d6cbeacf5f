#!/usr/bin/python3
"""Reads capacity.py's JSON lines on stdin; prints the runs and what they imply for a PostgreSQL
of K cores (docs/scaling.md explains the model)."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
jobs = [r for r in rows if r["run"] == "jobs"]
events = [r for r in rows if r["run"] != "jobs"]
print("| daemons | workers each | jobs/s | vs 1 daemon | statements/job | commits/job | WAL bytes/job | server CPU us/job | daemon CPU us/job |")
print("|---|---|---|---|---|---|---|---|---|")
# "vs 1 daemon": against the last 1-daemon run before it, so that with DAEMONS=1,2,4,1,2,4 each
# round is compared within itself (the machine's pace drifts between rounds).
base = jobs[0]["jobs_per_s"] if jobs else 1
for r in jobs:
    if r["daemons"] == 1:
        base = r["jobs_per_s"]
    print("| %d | %d | %.0f | %.2f | %.1f | %.2f | %.0f | %.0f | %.0f |" % (
        r["daemons"], r["workers_each"], r["jobs_per_s"], r["jobs_per_s"] / base, r["statements_per"],
        r["commits_per"], r["wal_bytes_per"], r["server_cpu_us_per"], r["daemon_cpu_us_per"]))
for r in events:
    print("\nwebhook event (%d bytes, stored, queued for triage, then triaged in batches): %.1f statements, %.2f commits,"
          " %.0f WAL bytes, %.0f us server CPU per event" % (r["payload_bytes"], r["statements_per"], r["commits_per"],
                                                             r["wal_bytes_per"], r["server_cpu_us_per"]))
if jobs:
    c = jobs[0]["server_cpu_us_per"]
    w = jobs[0]["wal_bytes_per"]
    print("\nModel (docs/scaling.md): a PostgreSQL core at 70%% busy carries 0.7e6 / %.0f = %.0f jobs/s;" % (c, 0.7e6 / c))
    for k in (2, 4, 8, 16):
        rate = k * 0.7e6 / c
        print("  K=%2d cores: %7.0f jobs/s, WAL %.1f MB/s" % (k, rate, rate * w / 1e6))
    if events:
        ce = events[0]["server_cpu_us_per"]
        print("  webhook events: a core carries 0.7e6 / %.0f = %.0f events/s" % (ce, 0.7e6 / ce))
