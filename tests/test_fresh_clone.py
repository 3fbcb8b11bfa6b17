"""A clone with nothing beside it must build and test: no code may reach outside the checkout.

The catalogue tests once read their source documents from ``../shared/seeds``; on a fresh
clone six failed and nineteen errored. The sources now live in ``specs/sources/``, and this
test fails if anything under ``app/``, ``tools/`` or ``tests/`` names a place outside the
repository again (a parent-directory step, a user's folder, or a climb above the repo root).
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# System places code may name on purpose (/proc for memory, /dev/zero as hostile input, fonts).
_OUTSIDE = re.compile(r"(^|[/\\])\.\.([/\\]|$)"                  # ../ anywhere
                      r"|^~[/\\]"                                 # a user's home
                      r"|^/(work|home|root|Users|mnt|media|srv|opt|var|shared)(/|$)"
                      r"|^[A-Za-z]:\\")                            # a Windows drive


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def paths_outside(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            where = f"{path.relative_to(folder.parent)}:{getattr(node, 'lineno', '?')}"
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in skip and _OUTSIDE.search(node.value)):
                found.append(f"{where} names {node.value[:60]!r}")
            # REPO_ROOT.parent / ROOT.parent: a step above the checkout
            if (isinstance(node, ast.Attribute) and node.attr in ("parent", "parents")
                    and isinstance(node.value, ast.Name) and "ROOT" in node.value.id.upper()):
                found.append(f"{where} climbs above {node.value.id}")
    return found


def test_nothing_in_the_repository_names_a_path_outside_it():
    found = [hit for folder in ("app", "tools", "tests", "ui", "bench")
             for hit in paths_outside(ROOT / folder) if "test_fresh_clone.py" not in hit]
    assert found == []


def test_the_check_itself_finds_paths_outside(tmp_path):
    folder = tmp_path / "tools"
    folder.mkdir()
    (folder / "bad.py").write_text(
        '"""Docstrings may say ../shared for history."""\n'
        "from pathlib import Path\n"
        "REPO_ROOT = Path(__file__).parent\n"
        "a = REPO_ROOT.parent / 'shared' / 'seeds'\n"
        "b = Path('../shared/seeds')\n"
        "c = '/work/shared/seeds'\n"
        "d = '/proc/self/status'\n")
    found = paths_outside(folder)
    assert len(found) == 3, found


def test_every_source_document_is_in_the_repository():
    from tools.extract import common, source_000, source_001, source_002, source_003, source_004
    for module in (source_000, source_001, source_002, source_003, source_004):
        path = common.seed_path(module.SOURCE_FILE)
        assert path.is_file() and ROOT in path.resolve().parents, path
