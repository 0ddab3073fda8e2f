"""Regenerate docs/rules/MLWnnn.md, the README rule table and the engine's
rule index (src/mlwarden/rules/_index.py) from the rules.

    python scripts/gen_rule_docs.py          # write
    python scripts/gen_rule_docs.py --check  # exit 1 if anything is stale

tests/test_docs.py runs the --check logic, so stale docs fail CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mlwarden.commands.rules import markdown_table  # noqa: E402
from mlwarden.core import docs  # noqa: E402
from mlwarden.core.registry import all_rules, index_source  # noqa: E402

BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"


def expected_files() -> dict:
    files = {ROOT / "docs" / "rules" / f"{rule.id}.md": docs.render(rule) for rule in all_rules()}
    files[ROOT / "src" / "mlwarden" / "rules" / "_index.py"] = index_source()
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        files[readme] = f"{head}{BEGIN}\n{markdown_table()}{END}{tail}"
    return files


def stale() -> list:
    out = []
    for path, content in expected_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            out.append(path)
    known = {f"{r.id}.md" for r in all_rules()}
    out.extend(p for p in (ROOT / "docs" / "rules").glob("MLW*.md") if p.name not in known)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        bad = stale()
        for path in bad:
            print(f"stale: {path.relative_to(ROOT)}")
        return 1 if bad else 0
    (ROOT / "docs" / "rules").mkdir(parents=True, exist_ok=True)
    for path, content in expected_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
