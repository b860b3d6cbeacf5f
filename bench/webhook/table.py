"""Prints the webhook benchmark's table from the JSON lines bench/webhook_bench.sh collected.

Each line: {"label", "settings", "wrk": RESULT of signed_push.lua, "stored": rows or null,
"triaged": rows or null, "queued": rows or null}. Ratios are requests/s over adnanh/webhook's and nginx's."""
import json
import sys


def rate(r):
    return r["wrk"]["requests"] / (r["wrk"]["duration_us"] / 1e6)


def count_2xx(r):
    return sum(n for s, n in r["wrk"]["statuses"].items() if 200 <= int(s) < 300)


def other_statuses(r):
    others = {s: n for s, n in r["wrk"]["statuses"].items() if not 200 <= int(s) < 300}
    errors = {k: v for k, v in r["wrk"]["errors"].items() if v}
    text = ", ".join("%s: %d" % kv for kv in sorted(others.items()))
    if errors:
        text += (", " if text else "") + ", ".join("%s errors: %d" % kv for kv in sorted(errors.items()))
    return text or "none"


def durability(r):
    """Stored rows against acknowledged requests: every 2xx must be stored; rows past the 2xx count
    can only be requests still in flight when wrk stopped (sent, committed, answer not read); and
    every row is triaged already or waits in the triage queue (how far triage got is shown)."""
    if r.get("stored") is None:
        return "-"
    ok, stored = count_2xx(r), r["stored"]
    in_flight = r["wrk"]["sent"] - r["wrk"]["requests"]
    triaged, queued = r.get("triaged"), r.get("queued")
    verdict = "ok" if ok <= stored <= ok + in_flight and triaged + queued == stored else "MISMATCH"
    return "%s (%d rows, %d 2xx, +%d in flight; %d triaged, %d queued)" % (verdict, stored, ok, in_flight, triaged, queued)


def main():
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    by_label = {r["label"]: r for r in rows}
    webhook = by_label.get("adnanh/webhook")
    nginx = by_label.get("nginx")
    header = ["system", "req/s", "p50 ms", "p99 ms", "x webhook", "x nginx", "non-2xx", "stored = 2xx?"]
    table = []
    for r in rows:
        lat = r["wrk"]["latency_us"]
        table.append([r["label"], "%.0f" % rate(r), "%.2f" % (lat["p50"] / 1000), "%.2f" % (lat["p99"] / 1000),
                      "%.2f" % (rate(r) / rate(webhook)) if webhook else "-",
                      "%.2f" % (rate(r) / rate(nginx)) if nginx else "-",
                      other_statuses(r), durability(r)])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for t in table:
        print(line(t))
    print()
    for r in rows:
        print("%s: %s" % (r["label"], r["settings"]))
    if any(durability(r).startswith("MISMATCH") for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
