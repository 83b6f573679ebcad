"""Admin routes: run the ingest, list the indexed documents."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from fastapi import APIRouter

from assistant.api.deps import AdminDep, ServicesDep
from assistant.api.schemas import DocumentsResponse, ErrorResponse, IngestResponse

router = APIRouter(prefix="/v1", tags=["admin"], responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}})
log = logging.getLogger("assistant.api")


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return {"result": str(value)}


@router.post("/ingest", response_model=IngestResponse, summary="Re-read the knowledge folder and rebuild the index")
def ingest(admin: AdminDep, services: ServicesDep) -> IngestResponse:
    log.info("ingest requested", extra={"caller": admin.name})
    return IngestResponse(report=_as_dict(services.ingest(path=None)))


@router.get("/documents", response_model=DocumentsResponse, summary="Documents in the active index")
def documents(admin: AdminDep, services: ServicesDep) -> DocumentsResponse:
    return DocumentsResponse(documents=[_as_dict(d) for d in services.documents()])
