#!/usr/bin/python3
"""Peer for tests/unit/cron_peer_test.cpp: next cron fire times from croniter, in UTC.

Input (file named by argv[1]), one case a line:  <start unix seconds> TAB <5-field expr> TAB <OR|AND>
The last column is the day-of-month/day-of-week rule vigil applies (Vixie: OR when both fields are
restricted, a field beginning with '*' counting as unrestricted). croniter decides that rule from
the expanded value sets instead, so the script reports croniter's own rule and, when the two
differ, computes the fires under vigil's rule from croniter's field expansion:
  AND: croniter(expr, day_or=False)
  OR:  the merge of croniter with day-of-week '*' and croniter with day-of-month '*'.
Output, one line per case:  <croniter's rule> <fire> <fire> <fire>   (fewer fires if croniter
gives up), or  ERROR <message>  if croniter rejects the expression.

With --confirm-prev as the first argument, the file instead holds  <fire> TAB <expr> TAB <OR|AND>
and each output line is YES if croniter's backwards search (get_prev from one minute after,
under that day rule) lands exactly on <fire>, else NO. The test uses it to show that a fire
croniter's forward search skipped is one croniter itself recognises as a fire.
Exit status 3 with a message if croniter cannot be imported.
"""
import sys

try:
    from croniter import croniter, CroniterBadDateError
except ImportError as exc:  # pragma: no cover
    sys.stderr.write("cannot import croniter (%s): install the Debian package python3-croniter\n" % exc)
    sys.exit(3)

FIRES = 3


def fires(expr, start, day_or):
    it = croniter(expr, start, ret_type=float, day_or=day_or)
    out = []
    try:
        for _ in range(FIRES):
            out.append(int(it.get_next()))
    except CroniterBadDateError:
        pass
    return out


def native_rule(expr):
    expanded, _ = croniter.expand(expr)
    return "OR" if expanded[2][0] != '*' and expanded[4][0] != '*' else "AND"


def with_field(expr, index, value):
    fields = expr.split()
    fields[index] = value
    return " ".join(fields)


def fires_under(expr, start, rule):
    if rule == "AND":
        return fires(expr, start, day_or=False)
    merged = set(fires(with_field(expr, 4, "*"), start, True))
    merged |= set(fires(with_field(expr, 2, "*"), start, True))
    return sorted(merged)[:FIRES]


def prev_under(expr, start, rule):
    if rule == "AND":
        return int(croniter(expr, start, ret_type=float, day_or=False).get_prev())
    return int(max(croniter(with_field(expr, 4, "*"), start, ret_type=float).get_prev(),
                   croniter(with_field(expr, 2, "*"), start, ret_type=float).get_prev()))


def confirm_prev(path):
    out = []
    with open(path) as f:
        for line in f:
            fire, expr, rule = line.rstrip("\n").split("\t")
            try:
                out.append("YES" if prev_under(expr, int(fire) + 60, rule) == int(fire) else "NO")
            except Exception:  # pragma: no cover
                out.append("NO")
    sys.stdout.write("".join(line + "\n" for line in out))


def main():
    if sys.argv[1] == "--confirm-prev":
        return confirm_prev(sys.argv[2])
    out = []
    with open(sys.argv[1]) as f:
        for line in f:
            start, expr, vigil_rule = line.rstrip("\n").split("\t")
            try:
                rule = native_rule(expr)
                times = fires(expr, int(start), True) if rule == vigil_rule else \
                    fires_under(expr, int(start), vigil_rule)
                out.append(" ".join([rule] + [str(t) for t in times]))
            except Exception as exc:  # croniter's rejections are ValueError subclasses
                out.append("ERROR " + str(exc).replace("\n", " "))
    sys.stdout.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main()
