"""Write .env.example from the Settings model, so every setting is listed with its description.

Run: python deploy/env_example.py > .env.example  (a test checks the file is current).
"""

from __future__ import annotations

import sys

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from assistant.settings import Settings


def _default(field: FieldInfo) -> str:
    value = field.get_default(call_default_factory=True)
    if value is None or isinstance(value, BaseModel):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def lines() -> list[str]:
    out = ["# Every setting of the assistant, with its default. Copy to .env and edit what you need.", ""]
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.append(f"# --- {name}")
            for sub, subfield in annotation.model_fields.items():
                out.append(f"# {subfield.description}")
                out.append(f"# ASSISTANT_{name.upper()}__{sub.upper()}={_default(subfield)}")
            out.append("")
        else:
            out.append(f"# {field.description}")
            out.append(f"# ASSISTANT_{name.upper()}={_default(field)}")
            out.append("")
    return out


if __name__ == "__main__":
    sys.stdout.write("\n".join(lines()).rstrip() + "\n")
