"""Rules-as-code eligibility engine (OpenFisca style).

- ``parameters/default.yaml``: every threshold and amount, dated and tied to a knowledge document.
- ``pkh``, ``krs``, ``services``: one pure function per criterion, registered with a label
  (``checks.RULES``), three-valued (True / False / None = data missing).
- ``engine.evaluate(household, on, params)``: ProgramDecisions with Indonesian reasons.
- ``engine.assess``: the typed ``EligibilityReport`` every channel consumes; ``report.citizen_view`` is
  what a verified family sees.

No framework or database imports here; the registry hands in ``assistant.models.Household``.
"""
