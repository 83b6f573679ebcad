"""The composition root: parts are built once, given parts are used as they are, close() releases them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.adapters.fakes import InMemoryVectorIndex
from assistant.adapters.sql_registry import SqlRegistry
from assistant.adapters.state import InMemoryStateStore
from assistant.api.app import create_app
from assistant.services import Services
from tests.test_api_support import fake_index, fake_services, make_settings


def test_parts_are_built_once_and_given_parts_are_kept(tmp_path):
    state = InMemoryStateStore()
    services = Services(make_settings(tmp_path), state=state)
    assert services.state is state
    registry = services.registry
    assert isinstance(registry, SqlRegistry) and services.registry is registry
    assert services.household_lookup is services.household_lookup


def test_close_releases_what_was_built_and_a_later_use_builds_anew(tmp_path):
    index = fake_index()
    services = Services(make_settings(tmp_path), index=index)
    registry = services.registry
    journal = services.journal
    services.close()
    assert index.active() is None  # the fake index was closed
    assert services.registry is not registry and services.journal is not journal
    services.close()


def test_app_shutdown_closes_the_services(tmp_path):
    services = fake_services(make_settings(tmp_path))
    index = services.index
    assert isinstance(index, InMemoryVectorIndex) and index.active() is not None
    with TestClient(create_app(services)) as client:
        assert client.get("/readyz").json()["ready"] is True
    assert index.active() is None
