#!/usr/bin/python3
"""Writes the seed corpus of every fuzz target (fuzz/*_fuzz.cpp) from the repository's own data:
the real responses, payloads and logs in tests/fixtures, and the config examples and docs (for
cron expressions, durations, log rules, JSON paths and API queries, which have no fixture files).

    fuzz/seeds.py OUT_DIR        writes OUT_DIR/<target>/<name> for each target

Inputs with several fields separate them with NUL bytes (fuzz/fuzz_input.h). Nothing is copied into
the repository: the seeds are made in the build folder at each run of scripts/fuzz.sh. Besides them,
every input in fuzz/regressions/<target>/ (one that once crashed a target or broke a property, kept
when it was fixed) is a seed of its target, so CI's replay runs each of them again.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
DOCS = [ROOT / "config" / "examples" / "vigil.yaml", ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
GITHUB = sorted((FIX / "webhooks" / "github").glob("*.json"))


def fields(*parts):
    return b"\0".join(p if isinstance(p, bytes) else p.encode() for p in parts)


def docs_values(key):
    """Values of `key:` in the example config and the docs, quotes taken off."""
    out = []
    pattern = re.compile(r"\b" + re.escape(key) + r":\s*(\"[^\"]*\"|'[^']*'|[^\s#,}]+)")
    for path in DOCS:
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            value = m.group(1)
            if value[:1] in "\"'":
                value = value[1:-1]
            if value not in out:
                out.append(value)
    return out


def files(pattern):
    return [p for p in sorted(FIX.glob(pattern)) if p.is_file()]


def literature():
    yield "pubmed_parser_fuzz", [(p.name, p.read_bytes()) for p in files("pubmed/*.xml")]
    yield "arxiv_parser_fuzz", [(p.name, p.read_bytes()) for p in files("arxiv/*.atom")]
    feeds = [p for p in files("feeds/**/*") if p.suffix not in (".md", ".txt", ".json")]
    yield "feed_parser_fuzz", [(str(p.relative_to(FIX)).replace("/", "_"), p.read_bytes()) for p in feeds]


def http_request():
    seeds = []
    for p in GITHUB:
        body = p.read_bytes()
        event = p.name.split(".")[0]
        head = (f"POST /hooks/gh?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-GitHub-Event: {event}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        seeds.append((f"post_{p.name}", head + body))
    body = GITHUB[0].read_bytes()[:600]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 200]), body[i:i + 200]) for i in range(0, len(body), 200))
    seeds.append(("chunked", b"POST /hooks/gh HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                             b"Expect: 100-continue\r\n\r\n" + chunked + b"0\r\n\r\n"))
    seeds.append(("pipelined", b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/events?limit=2 HTTP/1.1\r\n"
                               b"Host: a\r\n\r\nPATCH /api/v1/x HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
                               b"GET /nowhere HTTP/1.0\r\nConnection: keep-alive\r\n\r\nDELETE /boom HTTP/1.1\r\n\r\n"))
    seeds.append(("head", b"HEAD /healthz HTTP/1.1\r\nHost: a\r\n\r\nPUT /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))
    yield "http_request_fuzz", seeds


def webhook():
    seeds = []
    for i, p in enumerate(GITHUB):
        event = p.name.split(".")[0]
        headers = f"Content-Type: application/json\nX-GitHub-Event: {event}\nX-GitHub-Delivery: d-{i}"
        for watcher in range(7):
            seeds.append((f"{watcher}_{p.name}", bytes([watcher]) + fields(headers, "skip=0", p.read_bytes())))
    for i, v in enumerate(json.loads((FIX / "webhooks" / "signature_vectors.json").read_text())):
        headers = "\n".join(f"{k}: {val}" for k, val in v["headers"].items())
        kind = "application/x-www-form-urlencoded" if v["body"].startswith(("token=", "payload=")) else "application/json"
        for watcher in range(7):
            seeds.append((f"{watcher}_vector{i}", bytes([watcher]) + fields(f"Content-Type: {kind}\n{headers}", "", v["body"])))
    yield "webhook_decide_fuzz", seeds


def schedules():
    crons = [c for c in docs_values("schedule") if " " in c or c.startswith("@")]
    zones = ["", "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
    starts = ["1767225600", "1774746000", "1792890000", "951782400"]  # 2026-01-01, DST days, 2000-02-29
    yield "cron_parse_fuzz", [(f"cron{i}", fields(c, zones[i % len(zones)], starts[i % len(starts)]))
                              for i, c in enumerate(crons)]
    every = [e for e in docs_values("every") if re.fullmatch(r"[0-9][0-9a-z]*", e)]
    jitter = docs_values("jitter") or ["2m"]
    yield "interval_schedule_fuzz", [(f"every{i}", fields(e, jitter[i % len(jitter)], f"job:s{i}", starts[i % len(starts)]))
                                     for i, e in enumerate(every)]


def config():
    seeds = [(p.name, p.read_bytes()) for p in sorted((ROOT / "config" / "examples").glob("*.y*ml"))]
    for path in DOCS[1:]:
        for i, block in enumerate(re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)):
            seeds.append((f"{path.stem}_{i}.yaml", block.encode()))
    yield "config_load_fuzz", seeds


def log_rules():
    patterns = docs_values("match")
    titles = docs_values("title")
    logs = files("logs/*.log")
    seeds = []
    for i, log in enumerate(logs):
        text = log.read_bytes()[:3000]
        seeds.append((f"{log.stem}", fields(patterns[i % len(patterns)], titles[i % len(titles)], text)))
    yield "log_rules_fuzz", seeds


def json_path():
    docs = [FIX / "crossref" / "work_10.1037_0003-066x.59.1.29.json", FIX / "llm" / "openai_chat_completion.json"]
    paths = docs_values("json_path") + ["$.message.title[0]", "$.choices[0].message.content", "$['message']['author'][1]"]
    ops = ["==", "!=", ">", "<", ">=", "<=", "exists"]
    seeds = []
    for i, path in enumerate(paths):
        doc = docs[i % len(docs)].read_bytes()[:4000]
        seeds.append((f"path{i}", fields(path, doc, ops[i % len(ops)], '"none"')))
    yield "json_path_fuzz", seeds


def admin_query():
    queries = ["watcher=gh&limit=2", "signal=high&since=2026-01-01T00:00:00Z&cursor=0190f1c2-7e45-7000-8000-000000000001",
               "state=failed&kind=deliver&queue=default&limit=500&cursor=42", "status=acted&community=x&include=raw_data"]
    bodies = ['{"status": "acted", "action_taken": "opened a thread"}', '{"status": "read"}']
    for path in DOCS:
        queries += [q for q in re.findall(r"/api/v1/[a-z/]+\?([^\s`'\")]+)", path.read_text(encoding="utf-8"))]
    yield "admin_query_fuzz", [(f"q{i}", fields(q, bodies[i % len(bodies)])) for i, q in enumerate(queries)]


def main():
    out = pathlib.Path(sys.argv[1])
    for make in (literature, http_request, webhook, schedules, config, log_rules, json_path, admin_query):
        for target, seeds in make():
            folder = out / target
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in seeds:
                (folder / name).write_bytes(data)
    for kept in sorted((ROOT / "fuzz" / "regressions").glob("*/*")):
        folder = out / kept.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ("regression-" + kept.name)).write_bytes(kept.read_bytes())


if __name__ == "__main__":
    main()
