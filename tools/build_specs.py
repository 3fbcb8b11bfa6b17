"""Rebuild every specification pack in specs/ from its source document.

    python tools/build_specs.py            # build, validate and write specs/<pack_id>.json
    python tools/build_specs.py --check    # write nothing; exit 1 if any pack differs
    python tools/build_specs.py --only vtct-customer-service-bank

Each extractor is a module ``tools/extract/source_NNN.py`` exposing ``PACK_ID``,
``SOURCE_FILE`` (a file name in ``specs/sources/``) and
``build(source_text: str, corrections: list) -> dict``.  Corrections come from
``tools/corrections/<PACK_ID>.json`` (a JSON list).  Every pack is validated with
``app.catalogue.pack.validate_pack`` before it is written; an invalid pack is never written.
The source documents live in ``specs/sources/`` (``$FIELDFOLIO_SEEDS`` overrides).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from app.catalogue.pack import PackProblem, validate_pack  # noqa: E402
from tools.extract import common  # noqa: E402

EXTRACT_DIR = REPO_ROOT / "tools" / "extract"
CORRECTIONS_DIR = REPO_ROOT / "tools" / "corrections"
SPECS_DIR = REPO_ROOT / "specs"


@dataclass
class BuildResult:
    module: str
    pack_id: str | None = None
    text: str | None = None               # the serialised pack, when it was built
    problems: list[PackProblem] = field(default_factory=list)
    error: str | None = None              # extractor crashed / configuration problem

    @property
    def ok(self) -> bool:
        return self.error is None and not self.problems and self.text is not None

    @property
    def out_path(self) -> Path:
        return SPECS_DIR / f"{self.pack_id}.json"


def discover_extractors() -> list[str]:
    """Module names ``tools.extract.source_NNN``, in file-name order."""
    return [f"tools.extract.{p.stem}" for p in sorted(EXTRACT_DIR.glob("source_[0-9][0-9][0-9].py"))]


def load_corrections(pack_id: str) -> list:
    path = CORRECTIONS_DIR / f"{pack_id}.json"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, list):
        raise ValueError(f"{path}: a corrections file must hold a JSON list")
    return data


def build_one(module_name: str) -> BuildResult:
    res = BuildResult(module_name)
    try:
        mod = importlib.import_module(module_name)
        res.pack_id = mod.PACK_ID
        source_text = common.read_seed(mod.SOURCE_FILE)
        corrections = load_corrections(mod.PACK_ID)
        pack = mod.build(source_text, corrections)
    except Exception as e:  # report and carry on with the other packs
        res.error = f"{type(e).__name__}: {e}"
        return res
    if pack.get("pack_id") != mod.PACK_ID:
        res.error = f"build() returned pack_id {pack.get('pack_id')!r}, expected {mod.PACK_ID!r}"
        return res
    if (pack.get("source") or {}).get("file") != mod.SOURCE_FILE:
        res.error = f"build() names source file {(pack.get('source') or {}).get('file')!r}, " \
                    f"expected {mod.SOURCE_FILE!r}"
        return res
    res.problems = validate_pack(pack)
    res.text = common.dump_pack(pack)
    return res


def build_all(only: list[str] | None = None) -> list[BuildResult]:
    results = []
    for name in discover_extractors():
        res = build_one(name)
        if only and res.pack_id not in only:
            continue
        results.append(res)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="write nothing; fail if a committed pack differs from a rebuild")
    ap.add_argument("--only", action="append", metavar="PACK_ID",
                    help="build only this pack (may be repeated)")
    args = ap.parse_args(argv)

    failed = False
    for res in build_all(args.only):
        label = res.pack_id or res.module
        if res.error:
            print(f"FAIL {label}: {res.error}", file=sys.stderr)
            failed = True
            continue
        if res.problems:
            print(f"FAIL {label}: {len(res.problems)} problem(s)", file=sys.stderr)
            for p in res.problems:
                print(f"  - {p.message}", file=sys.stderr)
            failed = True
            continue
        path = res.out_path
        if args.check:
            if not path.exists():
                print(f"DIFF {label}: {path.relative_to(REPO_ROOT)} is not committed", file=sys.stderr)
                failed = True
            else:
                old = path.read_text(encoding="utf-8")
                if old != res.text:
                    failed = True
                    print(f"DIFF {label}: {path.relative_to(REPO_ROOT)} differs from a rebuild",
                          file=sys.stderr)
                    diff = difflib.unified_diff(old.splitlines(), res.text.splitlines(),
                                                "committed", "rebuilt", n=1, lineterm="")
                    for i, line in enumerate(diff):
                        if i >= 40:
                            print("  ...", file=sys.stderr)
                            break
                        print("  " + line, file=sys.stderr)
                else:
                    print(f"ok   {label}")
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(res.text)
            print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
