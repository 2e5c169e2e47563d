#!/usr/bin/env bash
# Every relative link in README.md, BENCHMARKS.md and docs/*.md resolves to a file in the
# repository (and a #anchor to a heading of that file), and every docs/*.md page a
# source comment names exists. Prints FILE:LINE: target for each broken one; exit 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import glob, os, re, sys

def anchors(path):
    """GitHub's anchors for the headings of a Markdown file."""
    out, seen, fence = set(), {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            fence = not fence
        if fence or not line.startswith("#"):
            continue
        text = line.lstrip("#").strip().lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out

broken = []
pages = ["README.md", "BENCHMARKS.md"] + sorted(glob.glob("docs/*.md")) + \
        sorted(glob.glob("tests/conformance/README.md"))
link = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
for page in pages:
    fence = False
    for number, line in enumerate(open(page, encoding="utf-8"), 1):
        if line.startswith("```"):
            fence = not fence
        if fence:
            continue
        for target in link.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # http(s):, mailto:
            path, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
            if not os.path.exists(resolved):
                broken.append(f"{page}:{number}: {target}")
            elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                broken.append(f"{page}:{number}: {target} (no such heading)")

mention = re.compile(r"docs/[a-z-]+\.md")
for folder in ["connector", "model", "sync", "fakes", "tests", "bench", "scripts", "fuzz"]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "node_modules"]
        for name in files:
            if not name.endswith((".h", ".cpp", ".cc", ".sh", ".mjs", ".ts", ".txt")):
                continue
            path = os.path.join(root, name)
            for number, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                for target in mention.findall(line):
                    if not os.path.exists(target):
                        broken.append(f"{path}:{number}: {target}")

for b in broken:
    print(b)
sys.exit(1 if broken else 0)
PY
