"""bots/texts.id.yaml is the one source of user texts and is validated when it loads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.dialogue.texts import DEFAULT_TEXTS_PATH, TEXT_KEYS, load_texts
from assistant.errors import ConfigurationError


def write(tmp_path: Path, data: dict[str, str]) -> Path:
    path = tmp_path / "texts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def shipped() -> dict[str, str]:
    return yaml.safe_load(DEFAULT_TEXTS_PATH.read_text(encoding="utf-8"))


def test_the_shipped_file_loads_and_fills_channels(shipped) -> None:
    assert set(shipped) == set(TEXT_KEYS)
    texts = load_texts()
    assert "171" in texts.get("help") and "{" not in texts.get("help")
    assert "3204********0001" in texts.get("ask_kk", nik_masked="3204********0001")


def test_no_user_text_is_duplicated_in_code() -> None:
    source = (Path(__file__).resolve().parents[1] / "src/assistant/dialogue/texts.py").read_text(encoding="utf-8")
    assert "Call Center" not in source and "Waspada" not in source


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(nonexistent="x"), "kunci tidak dikenal: nonexistent"),
        (lambda d: d.pop("greeting"), "kunci hilang: greeting"),
        (lambda d: d.update(ask_kk="Kirim nomor KK Anda."), "ask_kk: penanda hilang {nik_masked}"),
        (lambda d: d.update(greeting="Halo {nama}!"), "greeting: penanda tidak dikenal {nama}"),
        (lambda d: d.update(greeting="Halo {"), "greeting: Kurung kurawal"),
        (lambda d: d.update(greeting=""), "greeting: harus berisi teks"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path, shipped, change, message) -> None:
    change(shipped)
    with pytest.raises(ConfigurationError) as err:
        load_texts(write(tmp_path, shipped))
    assert message in err.value.message


def test_an_edited_wording_is_used(tmp_path, shipped) -> None:
    shipped["greeting"] = "Halo dari desa!"
    assert load_texts(write(tmp_path, shipped)).get("greeting") == "Halo dari desa!"


def test_a_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="tidak ditemukan"):
        load_texts(tmp_path / "none.yaml")
