"""Facilitator worklists of their own regions: paged JSON or a CSV download; one household opened on request."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from assistant.api.deps import FacilitatorDep, ServicesDep
from assistant.api.schemas import ErrorResponse
from assistant.api.worklist_schemas import OpenedHousehold, WorklistResponse
from assistant.registry.records import household_to_dict

router = APIRouter(prefix="/v1", tags=["worklists"])
log = logging.getLogger("assistant.api")

_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse},
    403: {"model": ErrorResponse, "description": "Not a facilitator key, or the region is outside its regions."},
    422: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
}
KindPath = Annotated[Literal["krs-pkh", "graduation", "data-gaps"], Path(description="Which worklist.")]
RegionQuery = Annotated[str, Query(pattern=r"^\d{2}(\d{2}){0,2}(\d{4})?$", examples=["3204"],
                                   description="Region code prefix the key covers (2, 4, 6 or 10 digits).")]
AsOfQuery = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="As of this date (YYYY-MM-DD).")]
MonthsQuery = Annotated[int, Query(ge=1, le=24, description="graduation: components ending within N months.")]


@router.get(
    "/worklists/{kind}",
    response_model=WorklistResponse,
    summary="A region's worklist, ranked, every row with reasons and cited documents (NIKs and names masked)",
    responses={**_ERRORS, 200: {"content": {"text/csv": {}},
                                "description": "JSON page, or the whole list as CSV with format=csv."}},
)
def worklist(
    kind: KindPath,
    region: RegionQuery,
    facilitator: FacilitatorDep,
    services: ServicesDep,
    as_of: AsOfQuery = None,
    within_months: MonthsQuery = 3,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    format: Annotated[Literal["json", "csv"], Query(description="csv: download every row.")] = "json",  # noqa: A002
) -> WorklistResponse | Response:
    result = services.worklists.facilitator_worklist(
        actor=facilitator.name, regions=facilitator.regions, kind=kind, region=region, as_of=as_of,
        within_months=within_months)
    log.info("worklist", extra={"caller": facilitator.name})
    if format == "csv":
        filename = f"daftar-kerja-{kind}-{region}-{result.as_of}.csv"
        return Response(result.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return WorklistResponse.model_validate(result.to_dict(page, page_size))


@router.get(
    "/worklists/{kind}/rows/{rank}",
    response_model=OpenedHousehold,
    summary="Open one household of a worklist, unmasked, for a facilitator of its region (audited)",
    responses={**_ERRORS, 404: {"model": ErrorResponse}},
)
def open_row(
    kind: KindPath,
    rank: Annotated[int, Path(ge=1, description="The row's rank in the list (same region, date and window).")],
    region: RegionQuery,
    facilitator: FacilitatorDep,
    services: ServicesDep,
    as_of: AsOfQuery = None,
    within_months: MonthsQuery = 3,
) -> OpenedHousehold:
    row, household = services.worklists.open_household(
        actor=facilitator.name, regions=facilitator.regions, kind=kind, region=region, rank=rank, as_of=as_of,
        within_months=within_months)
    log.info("worklist household opened", extra={"caller": facilitator.name})
    return OpenedHousehold.model_validate({"row": row.to_dict(), "household": household_to_dict(household)})
