"""`python -m assistant`: the same console script as `assistant` (what the landing check and helpers run)."""

from assistant.cli import main

main()
