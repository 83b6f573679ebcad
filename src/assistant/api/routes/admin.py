"""Admin routes: run the ingest, list the indexed documents."""

from __future__ import annotations

import dataclasses
import logging

from fastapi import APIRouter

from assistant.api.deps import AdminDep, ServicesDep
from assistant.api.schemas import DocumentsResponse, ErrorResponse, IngestResponse

router = APIRouter(prefix="/v1", tags=["admin"], responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}})
log = logging.getLogger("assistant.api")


@router.post("/ingest", response_model=IngestResponse, summary="Re-read the knowledge folder and rebuild the index")
def ingest(admin: AdminDep, services: ServicesDep) -> IngestResponse:
    log.info("ingest requested", extra={"caller": admin.name})
    return IngestResponse(report=dataclasses.asdict(services.ingest()))


@router.get("/documents", response_model=DocumentsResponse, summary="Documents in the active index")
def documents(admin: AdminDep, services: ServicesDep) -> DocumentsResponse:
    return DocumentsResponse(documents=[dataclasses.asdict(d) for d in services.documents()])
