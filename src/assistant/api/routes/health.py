"""Liveness, readiness and Prometheus metrics.

/healthz and /metrics are ``async`` and touch no dependency, so they answer from the event loop even
when every worker thread waits on a hung database. /readyz runs its dependency checks on a small
pool of its own, bounded by ``api.ready_timeout_seconds``.
"""

from __future__ import annotations

import logging

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from assistant.api.schemas import HealthResponse, ReadyResponse
from assistant.services import Services

router = APIRouter(tags=["operations"])
log = logging.getLogger("assistant.api")


@router.get("/healthz", response_model=HealthResponse, summary="The process is up")
async def healthz() -> HealthResponse:
    return HealthResponse()


def _checks(services: Services) -> dict[str, bool]:
    try:
        return {name: bool(ok) for name, ok in services.ready().items()}
    except Exception:  # noqa: BLE001 - readiness must answer, whatever broke
        log.warning("readiness check failed", exc_info=True)
        return {"services": False}


@router.get(
    "/readyz",
    response_model=ReadyResponse,
    summary="Index loaded, registry and Redis (when configured) reachable",
    responses={503: {"model": ReadyResponse, "description": "A dependency is not ready."}},
)
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    if getattr(state, "ready_limiter", None) is None:
        state.ready_limiter = anyio.CapacityLimiter(2)  # never the request pool: a hung check stays here
    try:
        with anyio.fail_after(state.settings.api.ready_timeout_seconds):
            checks = await anyio.to_thread.run_sync(
                _checks, state.services, limiter=state.ready_limiter, abandon_on_cancel=True
            )
    except TimeoutError:
        log.warning("readiness checks did not finish in %g s", state.settings.api.ready_timeout_seconds)
        checks = {"answered_in_time": False}
    ready = bool(checks) and all(checks.values())
    return JSONResponse(ReadyResponse(ready=ready, checks=checks).model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
