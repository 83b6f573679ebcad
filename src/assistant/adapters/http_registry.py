"""The Registry protocol over HTTP, for an external registry service.

The JSON contract is documented in ``http_registry_contract.md`` next to this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpx

from assistant.adapters.region_filter_query import filter_params
from assistant.errors import InputError, RegistryUnavailableError
from assistant.models import AuditEntry, Household, RegionFilter
from assistant.registry.records import RecordError, household_from_dict, household_to_dict

_UNAVAILABLE = "Layanan registri tidak dapat dihubungi. Coba lagi nanti."


class HttpRegistry:
    """Client of the registry service contract (v1)."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 5.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout,
                                    transport=transport)

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RegistryUnavailableError(_UNAVAILABLE) from exc
        if response.status_code == 401:
            raise RegistryUnavailableError("Layanan registri menolak token (ASSISTANT_REGISTRY__TOKEN).")
        if response.status_code >= 500:
            raise RegistryUnavailableError(_UNAVAILABLE)
        return response

    def get_household_by_nik(self, nik: str) -> Household | None:
        response = self._call("POST", "/v1/households/lookup", json={"nik": nik})
        if response.status_code == 404:
            return None
        return self._household(response.json().get("household"))

    def add_households(self, items: Iterable[Household], *, replace: bool = True) -> int:
        body = {"households": [household_to_dict(h) for h in items], "replace": replace}
        if not body["households"]:
            return 0
        response = self._call("POST", "/v1/households/batch", json=body)
        if response.status_code == 422:
            errors = response.json().get("errors", [])
            detail = "; ".join(f"rumah tangga ke-{e.get('index', 0) + 1}: {e.get('reason')}" for e in errors[:20])
            raise InputError(f"Layanan registri menolak data; tidak ada yang disimpan. {detail}")
        if response.status_code == 409:
            raise InputError("Data bentrok dengan isi registri (KK atau NIK sudah ada). Tidak ada data yang disimpan.")
        response.raise_for_status()
        return int(response.json()["imported"])

    def iter_households(self, batch_size: int = 1000, after: str = "") -> Iterator[Household]:
        cursor: str | None = after
        while cursor is not None:
            response = self._call("GET", "/v1/households", params={"after": cursor, "limit": min(batch_size, 1000)})
            data = response.json()
            for record in data.get("households", []):
                yield self._household(record)
            cursor = data.get("next_after")

    def existing_kks(self, kks: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(kks), 10000):
            response = self._call("POST", "/v1/households/existing", json={"kks": list(kks[i:i + 10000])})
            found.update(response.json()["existing"])
        return found

    def iter_region(self, region: str, batch_size: int = 1000, after: str = "",
                    only: RegionFilter | None = None) -> Iterator[Household]:
        """The region's households, ``only`` sent as query parameters.

        A server predating the filter parameters ignores them and streams the whole region; callers decide
        every household they get anyway (see ``RegionFilter``).
        """
        cursor: str | None = after
        only_params = filter_params(only)
        while cursor is not None:
            response = self._call("GET", "/v1/households", params={
                "region": region, "after": cursor, "limit": min(batch_size, 1000), **only_params})
            data = response.json()
            for record in data.get("households", []):
                yield self._household(record)
            cursor = data.get("next_after")

    def count_region(self, region: str, only: RegionFilter | None = None) -> int:
        params = {"region": region, **filter_params(only)}
        return int(self._call("GET", "/v1/households/count", params=params).json()["count"])

    def record_audit(self, entry: AuditEntry) -> None:
        body = {"actor": entry.actor, "role": entry.role, "nik_masked": entry.nik_masked,
                "purpose": entry.purpose, "outcome": entry.outcome, "at": entry.at}
        response = self._call("POST", "/v1/audit", json=body)
        if response.status_code != 204:
            raise RegistryUnavailableError("Log audit tidak dapat ditulis; pencarian dibatalkan.")

    @staticmethod
    def _household(record: Any) -> Household:
        try:
            return household_from_dict(record)
        except RecordError as exc:
            raise RegistryUnavailableError(f"Layanan registri mengirim data yang tidak sah: {exc}") from None
