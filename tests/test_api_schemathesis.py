"""Property-based tests of the HTTP API from its own OpenAPI schema (schemathesis), in-process, bounded.

Every operation gets generated requests (valid and invalid) with the keys that reach it; a 5xx, a
response that breaks its documented schema, an undocumented status, or invalid data accepted fails the test. The path
examples carry a valid NIK, so the eligibility route is exercised past its pattern check.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.test_api_support import make_harness


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    return make_harness(Path(tmp_path_factory.mktemp("st")), anonymous_rate_per_minute=100_000,
                        key_rate_per_minute=100_000)


# Every check but positive_data_acceptance: schemathesis generates strings that break the schema's
# documented `pattern` (control characters), and the API rightly answers those with 422.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


def _headers(harness, path: str) -> dict[str, str]:
    if path.startswith("/v1/eligibility"):
        return dict(harness.facilitator)
    if path in ("/v1/ingest", "/v1/documents"):
        return dict(harness.admin)
    return {}


def test_every_operation_conforms_to_the_schema(harness):
    schema = schemathesis.openapi.from_asgi("/openapi.json", harness.app)
    failures: dict[str, str] = {}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case) -> None:
            case.call_and_validate(headers=_headers(harness, case.path), checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collected, so one report names every failing operation
            failures[operation.label] = str(exc)[:2000]
        tested.append(operation.label)
    assert len(tested) >= 10
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
