"""RegionFilter <-> the query parameters of the registry HTTP contract's region endpoints.

``active_in=<program>``, ``not_active_in=<program>``, ``max_desil=<n>`` and ``unrecorded=<field>,<field>``;
an absent (or empty) parameter sets no condition. See ``http_registry_contract.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.models import RegionFilter

FILTER_PARAMS = ("active_in", "not_active_in", "max_desil", "unrecorded")


def filter_params(only: RegionFilter | None) -> dict[str, str]:
    """The query parameters carrying ``only`` (none for no filter or a filter without conditions)."""
    if only is None:
        return {}
    params: dict[str, str] = {}
    if only.active_in is not None:
        params["active_in"] = only.active_in
    if only.not_active_in is not None:
        params["not_active_in"] = only.not_active_in
    if only.max_desil is not None:
        params["max_desil"] = str(only.max_desil)
    if only.unrecorded:
        params["unrecorded"] = ",".join(only.unrecorded)
    return params


def filter_from_query(query: Mapping[str, Sequence[str]]) -> RegionFilter | None:
    """The filter a parsed query string (``urllib.parse.parse_qs``) carries; None when it sets no condition.

    Raises:
        ValueError: ``max_desil`` is not a whole number, or ``unrecorded`` names an unknown field.
    """
    given = {name: query[name][0] for name in FILTER_PARAMS if query.get(name) and query[name][0]}
    if not given:
        return None
    max_desil = given.get("max_desil")
    if max_desil is not None and not max_desil.isdigit():
        raise ValueError("max_desil must be a whole number")
    return RegionFilter(
        active_in=given.get("active_in"),
        not_active_in=given.get("not_active_in"),
        max_desil=int(max_desil) if max_desil is not None else None,
        unrecorded=tuple(name for name in given.get("unrecorded", "").split(",") if name),
    )
