#!/usr/bin/env python3
"""Keeps the repository standing alone: nothing in a source, script or CMake file reads from
../shared, climbs out of the checkout with '..', or names an absolute path of one machine.

  check_paths.py ROOT          checks the tree under ROOT; prints each finding as
                               file:line: what, and exits 1 if there is any
  check_paths.py --self-test   plants each kind of finding in a temporary tree and checks that
                               every one is reported (and that allowed lines are not)

The allowed absolute locations, and the few files whose '..' strings are not paths (URL
resolution tests), are listed in path_allowlist.txt beside this file: the one place to add to. A
line that names such a path only to prove it absent carries "path-check: allow" and the reason.
"""
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ALLOWLIST = os.path.join(HERE, "path_allowlist.txt")

SKIP_DIRS = {".git", "fixtures", "node_modules"}
SOURCE_EXT = (".c", ".cc", ".cpp", ".h", ".hpp", ".sh", ".py", ".js", ".lua", ".cmake",
              ".yaml", ".yml", ".service", ".socket", ".supp")
SOURCE_NAMES = {"CMakeLists.txt", "run", "conffiles"}

# Top-level directories of a file system: a path starting with one of these is a path on this
# machine, not a URL path such as /api/v1 or /hooks/x.
ROOTS = ("work", "home", "root", "mnt", "media", "opt", "srv", "usr", "etc", "var", "tmp",
         "proc", "dev", "sys", "run", "lib", "lib64", "bin", "sbin", "boot", "snap", "nix")
ABS_PATH = re.compile(r"(?<![\w.:/~$}-])/(?:%s)(?![\w.-])(?:/[\w.+@%%-]*)*" % "|".join(ROOTS))
SHARED = re.compile(r"(\.\./shared\b|\bshared/fixtures\b|\bshared/seeds\b)")
C_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
DOTDOT = re.compile(r"(^|/)\.\.(/|$)")
SCRIPT_UP = re.compile(r'\$\(\s*dirname\s+"?\$(?:0|\{BASH_SOURCE\[0\]\}|BASH_SOURCE)"?\s*\)((?:/\.\.)+)')
ALLOW_MARK = "path-check: allow"
COMMENT = re.compile(r"^\s*(#|//|/?\*)")
CMAKE_UP = re.compile(r"\$\{CMAKE_CURRENT_(?:SOURCE|LIST)_DIR\}((?:/\.\.)+)")


def load_allowlist(path):
    prefixes, dotdot_files = [], set()
    section = None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif section == "absolute":
                prefixes.append(line.rstrip("/"))
            elif section == "dotdot-not-paths":
                dotdot_files.add(line)
    return prefixes, dotdot_files


def wanted(rel):
    name = os.path.basename(rel)
    if rel in ("tests/repo/check_paths.py", "tests/repo/path_allowlist.txt"):
        return False
    return name in SOURCE_NAMES or name.endswith(SOURCE_EXT)


def walk(root):
    for d, dirs, files in os.walk(root):
        rel_d = os.path.relpath(d, root)
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith("build")
                   and not (rel_d == "tests" and x == "fixtures")]
        for name in files:
            rel = os.path.normpath(os.path.join(rel_d, name))
            if wanted(rel):
                yield rel


def allowed_abs(path, prefixes):
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def climbs_out(rel, ups):
    """True when going `ups` levels up from the file's folder leaves the checkout."""
    depth = len(os.path.dirname(rel).split("/")) if os.path.dirname(rel) else 0
    return ups > depth


def check_line(rel, line, prefixes, dotdot_files):
    found = []
    if ALLOW_MARK in line:  # a line that names such a path to prove it absent, with the reason beside it
        return found
    if SHARED.search(line):
        found.append("reads ../shared (copy what is needed into the repository)")
    for m in ABS_PATH.finditer(line):
        path = m.group(0).rstrip(".-")
        if not allowed_abs(path, prefixes):
            found.append("absolute path %s is not on tests/repo/path_allowlist.txt" % path)
    ext = os.path.splitext(rel)[1]
    script = ext in (".sh", ".py", ".cmake", ".js") or os.path.basename(rel) in SOURCE_NAMES
    if COMMENT.match(line) or ext == ".lua":  # a comment reads nothing; '..' is Lua's concatenation
        return found
    if script:
        rest = line
        for pattern in (SCRIPT_UP, CMAKE_UP):
            for m in pattern.finditer(line):
                if climbs_out(rel, m.group(1).count("..")):
                    found.append("climbs out of the repository: %s" % m.group(0))
            rest = pattern.sub("", rest)
        if re.search(r"(^|[\s\"'=/({])\.\.(/|\s|\"|'|$)", rest):
            found.append("'..' outside $(dirname \"$0\")/.. or ${CMAKE_CURRENT_SOURCE_DIR}/..")
    elif rel not in dotdot_files:
        for m in C_STRING.finditer(line):
            if DOTDOT.search(m.group(1)):
                found.append("'..' in a string: \"%s\"" % m.group(1))
    return found


def check_tree(root):
    prefixes, dotdot_files = load_allowlist(ALLOWLIST)
    findings = []
    for rel in sorted(walk(root)):
        try:
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
                lines = f.readlines()
        except OSError as e:
            findings.append("%s: cannot read: %s" % (rel, e))
            continue
        for n, line in enumerate(lines, 1):
            for what in check_line(rel, line, prefixes, dotdot_files):
                findings.append("%s:%d: %s" % (rel, n, what))
    return findings


PLANTED = {
    "scripts/a.sh": ('cd "$(dirname "$0")/.."\nF=../shared/fixtures/x\n# see ../README\n', 2),
    "scripts/b.sh": ('cd "$(dirname "$0")/../.."\n', 1),
    "bench/c.sh": ('P=/work/shared/fixtures/x\nQ=/usr/share/llhttp\nR=/works/\n', 2),
    "d/CMakeLists.txt": ('set(X ${CMAKE_SOURCE_DIR}/../other)\nset(Y ${CMAKE_CURRENT_SOURCE_DIR}/..)\n', 1),
    "tests/e.cpp": ('auto p = SourceDir() + "/../x";\nauto q = "/home/dev/data";\nauto r = "/api/v1/jobs";\n', 2),
    "tests/fixtures/ignored.cpp": ('"/home/x"\n', 0),
    "scripts/f.sh": ('[ ! -e ../shared ] || exit 1  # path-check: allow (absent)\n[ -e ../shared ]\n', 2),
}


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        for rel, (text, _) in PLANTED.items():
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        findings = check_tree(tmp)
    ok = True
    for rel, (_, expected) in PLANTED.items():
        got = [f for f in findings if f.startswith(rel + ":")]
        if len(got) != expected:
            ok = False
            print("self-test: %s: expected %d findings, got %d: %s" % (rel, expected, len(got), got))
    print("self-test %s (%d planted findings)" % ("passed" if ok else "FAILED",
                                                 sum(e for _, e in PLANTED.values())))
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
    print("%d finding(s) in %s" % (len(findings), argv[1]))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
