from pathlib import Path

from assistant.settings import Settings
from deploy.env_example import lines

REPO = Path(__file__).resolve().parents[1]


def test_env_example_lists_every_setting():
    current = (REPO / ".env.example").read_text(encoding="utf-8")
    assert current == "\n".join(lines()).rstrip() + "\n", "regenerate: python deploy/env_example.py > .env.example"


def test_nested_settings_use_double_underscore(monkeypatch):
    monkeypatch.setenv("ASSISTANT_INDEX__CHROMA_URL", "http://127.0.0.1:8123")
    monkeypatch.setenv("ASSISTANT_REGISTRY__URL", "postgresql://root@127.0.0.1/test")
    monkeypatch.setenv("ASSISTANT_GENERATOR", "llm")
    settings = Settings(_env_file=None)
    assert settings.index.chroma_url == "http://127.0.0.1:8123"
    assert settings.registry.url == "postgresql://root@127.0.0.1/test"
    assert settings.generator == "llm"
