"""Passage search over the indexed guidelines."""

from __future__ import annotations

from fastapi import APIRouter, Request

from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.errors import PayloadTooLargeError
from assistant.api.schemas import ErrorResponse, Passage, SearchRequest, SearchResponse

# Any route here may meet a malformed key (401) or a dependency that is down (503).
router = APIRouter(
    prefix="/v1", tags=["search"], responses={401: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
)


@router.post(
    "/search",
    response_model=SearchResponse,
    summary="Find guideline passages",
    responses={413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 429: {"model": ErrorResponse}},
)
def search(body: SearchRequest, request: Request, caller: CallerDep, services: ServicesDep) -> SearchResponse:
    limit = request.app.state.settings.api.max_message_chars
    if len(body.query) > limit:
        raise PayloadTooLargeError(f"Teks pencarian terlalu panjang (maksimal {limit} karakter).")
    filters = {k: v for k, v in (("program", body.program), ("audience", body.audience)) if v}
    hits = services.knowledge.search(body.query, k=body.k, filters=filters or None)
    return SearchResponse(hits=[Passage.of(h) for h in hits])
