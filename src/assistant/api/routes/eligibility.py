"""Facilitator status check, limited to the regions of the facilitator's key."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Query

from assistant.api.deps import FacilitatorDep, ServicesDep
from assistant.api.eligibility_schemas import EligibilityResponse
from assistant.api.schemas import ErrorResponse

router = APIRouter(prefix="/v1", tags=["eligibility"])
log = logging.getLogger("assistant.api")


@router.get(
    "/eligibility/{nik}",
    response_model=EligibilityResponse,
    summary="Registration and eligibility of a household member (facilitator key, own regions only)",
    responses={
        401: {"model": ErrorResponse},
        403: {"model": ErrorResponse, "description": "Not a facilitator key, or the NIK is outside its regions."},
        404: {"model": ErrorResponse},
        429: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
def eligibility(
    nik: Annotated[str, Path(pattern=r"^\d{16}$", description="16-digit NIK.", examples=["3204010101900001"])],
    facilitator: FacilitatorDep,
    services: ServicesDep,
    as_of: Annotated[
        str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Decide as of this date (YYYY-MM-DD).")
    ] = None,
    assume: Annotated[
        list[str] | None,
        Query(max_length=20, description="What-if corrections, e.g. `members[2].disability=berat` (repeatable). "
              "The answer shows how a corrected record would change the outcome; nothing is stored.",
              examples=["members[2].disability=berat"]),
    ] = None,
) -> EligibilityResponse:
    result = services.household_lookup.facilitator_status(
        actor=facilitator.name, regions=facilitator.regions, nik=nik, as_of=as_of, assume=tuple(assume or ())
    )
    log.info("facilitator status check", extra={"caller": facilitator.name})
    return EligibilityResponse.model_validate(result.to_dict())
