"""A clone with nothing beside it must build and test: no code may reach outside the checkout.

The catalogue tests once read their source documents from a folder beside the checkout; on a fresh
clone six failed and nineteen errored. The sources now live in ``specs/sources/``, and this
test fails if anything under ``app/``, ``tools/`` or ``tests/`` names a place outside the
repository again (a parent-directory step, a user's folder, or a climb above the repo root).
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A user's folders or another checkout; system places (/proc, /dev/zero, fonts) are fine.
_ABSOLUTE = re.compile(r"^~[/\\]|^/(work|home|root|Users|mnt|media|srv|opt|var|shared)(/|$)"
                       r"|^[A-Za-z]:\\")
_PARENT_STEP = re.compile(r"(^|[/\\])\.\.[/\\]")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _climb(node: ast.AST) -> int:
    """How many folders up from the file a `Path(__file__)....parent` / `.parents[k]` goes."""
    steps = 0
    while True:
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            steps, node = steps + 1, node.value
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
              and node.value.attr == "parents" and isinstance(node.slice, ast.Constant)):
            steps, node = steps + node.slice.value + 1, node.value.value
        else:
            break
    if isinstance(node, ast.Attribute) and node.attr in ("resolve", "absolute"):
        node = node.value
    if isinstance(node, ast.Call):
        node = node.func.value if isinstance(node.func, ast.Attribute) else node
        if isinstance(node, ast.Call) and node.args:
            node = node.args[0]
    return steps if isinstance(node, ast.Name) and node.id == "__file__" else 0


def paths_outside(folder: Path, root: Path | None = None) -> list[str]:
    """Places outside the checkout named in code. Tests may hand '../' to code as hostile
    input (that is how path checks are tested); everywhere else a parent step is a climb."""
    root = root or folder.parent
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _docstrings(tree)
        depth = len(path.relative_to(root).parts)        # folders + the file itself
        in_tests = path.relative_to(root).parts[0] == "tests"
        for node in ast.walk(tree):
            where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in skip:
                # Tests hand made-up places to code ('/home/alex' as a HOME to pass on);
                # only one that is really there on this machine is a reach outside.
                absolute = _ABSOLUTE.search(node.value) and (
                    not in_tests or Path(node.value).expanduser().exists())
                if absolute or (not in_tests and _PARENT_STEP.search(node.value)):
                    found.append(f"{where} names {node.value[:60]!r}")
            # REPO_ROOT.parent / ROOT.parent: a step above the checkout
            if (isinstance(node, ast.Attribute) and node.attr in ("parent", "parents")
                    and isinstance(node.value, ast.Name) and "ROOT" in node.value.id.upper()):
                found.append(f"{where} climbs above {node.value.id}")
            if _climb(node) > depth:        # `depth` steps up is the checkout itself
                found.append(f"{where} climbs {_climb(node)} folders from a file "
                             f"{depth - 1} deep")
    return found


def test_nothing_in_the_repository_names_a_path_outside_it():
    found = [hit for folder in ("app", "tools", "tests", "ui", "bench")
             for hit in paths_outside(ROOT / folder) if "test_fresh_clone.py" not in hit]
    assert found == []


def test_the_check_itself_finds_paths_outside(tmp_path):
    folder = tmp_path / "tools"
    folder.mkdir()
    (folder / "bad.py").write_text(
        '"""Docstrings may say ../elsewhere for history."""\n'
        "from pathlib import Path\n"
        "REPO_ROOT = Path(__file__).parent\n"
        "a = REPO_ROOT.parent / 'elsewhere' / 'seeds'\n"
        "b = Path('../elsewhere/seeds')\n"
        "c = '/work/elsewhere/seeds'\n"
        "d = '/proc/self/status'\n"
        "e = Path(__file__).resolve().parents[2] / 'seeds'\n"
        "f = Path(__file__).parent.parent.parent\n"
        "ok = Path(__file__).resolve().parents[1] / 'specs'\n"
        "g = name in ('', '.', '..')\n")
    found = paths_outside(folder, tmp_path)
    assert len(found) == 5, found
    hostile = tmp_path / "tests"
    hostile.mkdir()
    home = str(Path.home())             # a user's folder that exists on every machine
    (hostile / "test_x.py").write_text(
        f"BAD = ['../../etc/passwd', '/home/someone/x', {home!r}]\n")
    assert paths_outside(hostile, tmp_path) == [f"tests/test_x.py:1 names {home!r}"]


def test_every_source_document_is_in_the_repository():
    from tools.extract import common, source_000, source_001, source_002, source_003, source_004
    for module in (source_000, source_001, source_002, source_003, source_004):
        path = common.seed_path(module.SOURCE_FILE)
        assert path.is_file() and ROOT in path.resolve().parents, path
