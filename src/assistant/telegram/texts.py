"""The bot's own Indonesian texts (bots/telegram.id.yaml): welcome, menu, buttons, channel messages.

Answers, the status check and refusals come from the conversation service and its texts; this file
holds only what is particular to Telegram. ``{channels}`` is filled from the service's texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.dialogue.texts import load_texts
from assistant.errors import ConfigurationError

BOT_TEXTS_PATH = Path(__file__).resolve().parents[3] / "bots" / "telegram.id.yaml"

# The menu of /start: (key of the button label, topic). "status" starts the status check.
MENU_TOPICS = ("pkh", "status", "stunting", "tamasya", "lansia", "other")


@dataclass(frozen=True, slots=True)
class BotTexts:
    """Read-only texts; ``get`` fills ``{channels}`` and the given values."""

    texts: dict[str, str]
    channels: str
    status_command: str  # what the service reads as "start a status check"
    cancel_command: str  # what the service reads as "cancel"

    def get(self, key: str, **values: Any) -> str:
        return self.texts[key].format(channels=self.channels, **values)

    def questions(self, topic: str) -> list[str]:
        """The suggested questions of a menu topic, one per line in the YAML."""
        return [line.strip() for line in self.texts.get(f"questions_{topic}", "").splitlines() if line.strip()]


def load_bot_texts(path: Path = BOT_TEXTS_PATH) -> BotTexts:
    """Read bots/telegram.id.yaml; the service's texts supply the channels and the flow commands."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"Berkas teks bot {path} tidak bisa dibaca: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"Berkas teks bot {path} harus berisi pasangan kunci: teks.")
    shared = load_texts()
    return BotTexts(
        texts={str(k): str(v) for k, v in data.items()},
        channels=shared.channels,
        status_command=shared.get("suggest_status"),
        cancel_command=shared.get("suggest_cancel"),
    )
