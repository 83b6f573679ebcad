"""The one console script, ``assistant``: loads Settings once, maps errors to exit codes.

Each area registers its subcommands from its own module in this package (``COMMAND_MODULES``),
so the entry point stays small and areas do not edit each other's code.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from assistant.errors import AssistantError
from assistant.settings import Settings

COMMAND_MODULES = (
    "assistant.cli.registry_commands",
    "assistant.cli.worklist_commands",
    "assistant.cli.rag_commands",
    "assistant.cli.eval_commands",
    "assistant.cli.api_commands",
    "assistant.cli.export_commands",
    "assistant.cli.bot_commands",
)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:  # map our errors to clean messages and exit codes
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            click.echo(f"Galat: {exc.message}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group)
@click.option("-v", "--verbose", is_flag=True, help="Log lebih rinci di stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Asisten keluarga: jawaban dari pedoman program, cek data, dan kelayakan."""
    settings = Settings()
    logging.basicConfig(
        # Commands print their results; logs stay quiet unless asked for (`serve` sets up its own).
        level=logging.DEBUG if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    ctx.obj = settings


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(cli)


def main() -> None:
    cli(prog_name="assistant")
