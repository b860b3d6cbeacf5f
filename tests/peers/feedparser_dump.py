"""Peer for tests/unit/feed_corpus_test.cpp: what Python feedparser extracts from each feed.

Usage: /usr/bin/python3 feedparser_dump.py ROOT DIR_OR_FILE...
Prints one JSON object keyed by each file's path relative to ROOT: {path: {"bozo", "encoding", "version", "feed_title", "feed_link",
"entries": [{"title", "link", "id", "published", "updated"}]}}; absent fields are null,
times are UTC epoch seconds. A "Header: Name: value" line in the file's leading comment (as in
feedparser's own test corpus) is passed on as an HTTP response header.
"""
import calendar
import json
import os
import re
import sys

import feedparser

HEADER_RE = re.compile(rb"^\s*Header:\s*([^:\s]+):\s*(.*?)\s*$", re.MULTILINE)


def headers_of(data):
    head = data[:2048]
    return {k.decode().lower(): v.decode() for k, v in HEADER_RE.findall(head)}


def epoch(parsed):
    return calendar.timegm(parsed) if parsed else None


def dump(path):
    with open(path, "rb") as f:
        data = f.read()
    d = feedparser.parse(data, response_headers=headers_of(data))
    return {
        "bozo": bool(d.get("bozo")),
        "encoding": d.get("encoding"),
        "version": d.get("version"),
        "feed_title": d.feed.get("title"),
        "feed_link": d.feed.get("link"),
        "entries": [
            {
                "title": e.get("title"),
                "link": e.get("link"),
                "id": e.get("id"),
                # dict.get: FeedParserDict.get would answer "updated" with "published".
                "published": epoch(dict.get(e, "published_parsed")),
                "updated": epoch(dict.get(e, "updated_parsed")),
            }
            for e in d.entries
        ],
    }


def files_under(target):
    if os.path.isfile(target):
        yield target
        return
    for dirpath, _, names in os.walk(target):
        for name in sorted(names):
            yield os.path.join(dirpath, name)


def main():
    root, targets = sys.argv[1], sys.argv[2:]
    out = {}
    for target in targets:
        for path in files_under(target):
            out[os.path.relpath(path, root)] = dump(path)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
