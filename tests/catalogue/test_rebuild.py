"""Rebuilding every pack from its source reproduces the committed specs/ file byte for byte."""

import pytest

from tools import build_specs

MODULES = build_specs.discover_extractors()


def test_there_are_extractors():
    assert "tools.extract.source_004" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_rebuild_matches_committed_pack(module):
    res = build_specs.build_one(module)
    assert res.error is None, res.error
    assert [p.message for p in res.problems] == []
    assert res.out_path.exists(), f"{res.out_path} is not committed"
    committed = res.out_path.read_bytes()
    assert committed == res.text.encode("utf-8"), \
        f"{res.out_path.name} differs from a rebuild: run python tools/build_specs.py"


def test_check_mode_passes_for_vtct():
    assert build_specs.main(["--check", "--only", "vtct-customer-service-bank"]) == 0
