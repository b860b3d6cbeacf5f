#!/usr/bin/env python3
"""The layout guard: every #include "folder/..." in a folder library's files must point at that
folder or at a folder it may use, as the vigil_folder(DIR USES ...) lines of CMakeLists.txt say
(the same lines that set each library's target_link_libraries). Uses are transitive. A
header-only type would link anyway, so the includes are what is checked.

  check_layout.py ROOT          prints each upward include as file:line: what, exits 1 if any
  check_layout.py --self-test   checks a small planted tree
"""
import os
import re
import sys
import tempfile

FOLDER_LINE = re.compile(r"^\s*vigil_folder\(\s*([\w/]+)((?:\s+USES(?:\s+[\w/]+)+)?)\s*\)", re.M)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_folders(cmake_text):
    uses = {}
    for m in FOLDER_LINE.finditer(cmake_text):
        words = m.group(2).split()
        uses[m.group(1)] = [w for w in words if w != "USES"]
    return uses


def closure(uses):
    allowed = {}
    for folder in uses:
        seen, todo = {folder}, list(uses[folder])
        while todo:
            f = todo.pop()
            if f not in seen:
                seen.add(f)
                todo.extend(uses.get(f, []))
        allowed[folder] = seen
    return allowed


def owner(path, folders):
    best = None
    for f in folders:
        if path == f or path.startswith(f + "/"):
            if best is None or len(f) > len(best):
                best = f
    return best


def check_tree(root):
    with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as f:
        uses = read_folders(f.read())
    if not uses:
        return ["CMakeLists.txt: no vigil_folder(...) lines"]
    allowed = closure(uses)
    findings = []
    for folder in sorted(uses):
        for d, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith((".h", ".cpp", ".hpp", ".cc")):
                    continue
                rel = os.path.relpath(os.path.join(d, name), root)
                mine = owner(rel, uses)
                if mine != folder:
                    continue
                findings += check_file(root, rel, mine, uses, allowed)
    return findings


def check_file(root, rel, mine, uses, allowed):
    found = []
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m or "/" not in m.group(1):
                continue
            target = owner(m.group(1), uses)
            top = m.group(1).split("/", 1)[0]
            if target is None and top in ("tests", "bench", "fuzz"):
                found.append("%s:%d: %s includes %s: no library may include the tests" % (rel, n, mine, m.group(1)))
            elif target is not None and target not in allowed[mine]:
                found.append("%s:%d: %s -> %s is not an allowed arrow (%s may use: %s); move the type "
                             "down or the code up" % (rel, n, mine, target, mine,
                                                      ", ".join(sorted(allowed[mine] - {mine})) or "nothing"))
    return found


def self_test():
    files = {
        "CMakeLists.txt": "vigil_folder(common)\nvigil_folder(common/http USES common)\n"
                          "vigil_folder(store USES common)\nvigil_folder(jobs USES store)\n",
        "common/a.h": '#include "common/b.h"\n',
        "common/http/c.h": '#include "common/a.h"\n#include "store/x.h"\n',  # 1: up
        "store/x.cpp": '#include "common/http/c.h"\n#include "jobs/y.h"\n',  # 2: sibling, up
        "jobs/y.cpp": '#include "common/a.h"\n#include "store/x.h"\n#include "tests/t.h"\n',  # 1: tests
    }
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)) or tmp, exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write(text)
        findings = check_tree(tmp)
    expected = {"common/http/c.h:2", "store/x.cpp:1", "store/x.cpp:2", "jobs/y.cpp:3"}
    got = {":".join(f.split(":")[:2]) for f in findings}
    ok = got == expected
    print("self-test %s: expected %s, got %s" % ("passed" if ok else "FAILED", sorted(expected), sorted(got)))
    return 0 if ok else 1


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    findings = check_tree(argv[1])
    for f in findings:
        print(f)
    print("%d upward include(s)" % len(findings))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
