"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from assistant.api.deps import ServicesDep
from assistant.api.schemas import HealthResponse, ReadyResponse

router = APIRouter(tags=["operations"])
log = logging.getLogger("assistant.api")


@router.get("/healthz", response_model=HealthResponse, summary="The process is up")
def healthz() -> HealthResponse:
    return HealthResponse()


@router.get(
    "/readyz",
    response_model=ReadyResponse,
    summary="Index loaded and registry reachable",
    responses={503: {"model": ReadyResponse, "description": "A dependency is not ready."}},
)
def readyz(services: ServicesDep) -> JSONResponse:
    try:
        checks = {name: bool(ok) for name, ok in services.ready().items()}
    except Exception:  # noqa: BLE001 - readiness must answer, whatever broke
        log.warning("readiness check failed", exc_info=True)
        checks = {"services": False}
    ready = bool(checks) and all(checks.values())
    return JSONResponse(ReadyResponse(ready=ready, checks=checks).model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
