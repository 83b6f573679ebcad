"""A folder built aside replaces the old one only when complete."""

from __future__ import annotations

import pytest

from assistant.adapters.folders import build_aside


def test_completed_build_replaces_the_folder(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.txt").write_text("lama")
    with build_aside(target) as work:
        (work / "new.txt").write_text("baru")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # no work folder left behind


def test_interrupted_build_keeps_the_old_folder(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.txt").write_text("lama")
    with pytest.raises(KeyboardInterrupt), build_aside(target) as work:
        (work / "half.txt").write_text("setengah")
        raise KeyboardInterrupt
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["model"]
