"""Region worklists for facilitators, from one dataset, as of a date, every row with reasons and sources.

- ``krs-pkh``: families at risk of stunting that PKH would take (or might, once data is complete) but that
  are not enrolled: candidates for the usulan/musdes channel.
- ``graduation``: PKH families whose last component ends within N months (or already has).
- ``data-gaps``: families with a program decision left ``unknown`` (PKH, KRS, lansia services, Tamasya,
  Sembako, PBI JKN): which fields of which member to collect.

``evaluate_worklist`` is pure (a household stream in, ranked rows out), so the CLI, the API and the
national batch on a cluster run the same function.
"""
