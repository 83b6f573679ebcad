"""Annotated dependencies: services, the authenticated principal (role, regions) and rate limits.

FastAPI runs every plain ``def`` dependency on its own hop to the thread pool. ``get_services`` only
reads an attribute, so it is ``async`` (no hop), and the rate-limited principal is found and counted
in one function: on the event loop for an anonymous caller counted in process, else on one hop (the key
store and the limiter may talk to a database or Redis).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from assistant.api.errors import UnauthenticatedError
from assistant.errors import AccessDeniedError
from assistant.services import Services


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: an anonymous citizen or the holder of an API key. The role never comes from a body."""

    role: str  # citizen | facilitator | admin
    name: str  # key name, or "anonymous"
    key_id: str | None
    regions: tuple[str, ...]
    client: str  # client address, for anonymous rate limits

    @property
    def namespace(self) -> str:
        """Prefix for user ids, so one caller can never reach another caller's conversation memory."""
        return f"key:{self.key_id}" if self.key_id else "anon"


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _token(x_api_key: str | None, authorization: str | None) -> str | None:
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise UnauthenticatedError("Format header Authorization harus 'Bearer <kunci API>'.")
        return value.strip()
    return None


def get_principal(
    request: Request,
    x_api_key: Annotated[str | None, Header(description="API key (or use Authorization: Bearer).")] = None,
    authorization: Annotated[str | None, Header(description="Bearer <API key>.")] = None,
) -> Principal:
    client = request.client.host if request.client else "unknown"
    token = _token(x_api_key, authorization)
    if token is None:
        if request.app.state.settings.api.require_key:
            raise UnauthenticatedError("Layanan ini memerlukan kunci API. Kirim header X-API-Key.")
        principal = Principal("citizen", "anonymous", None, (), client)
    else:
        key = request.app.state.keys.authenticate(token)
        if key is None:
            raise UnauthenticatedError("Kunci API tidak dikenal atau sudah dicabut.")
        # A channel key (the Telegram bot) relays citizens: it talks as a citizen, limited per key and per user.
        role = "citizen" if key.role == "channel" else key.role
        principal = Principal(role, key.name, key.key_id, key.regions, client)
    request.state.principal = principal
    return principal


async def limited_principal(
    request: Request,
    x_api_key: Annotated[str | None, Header(description="API key (or use Authorization: Bearer).")] = None,
    authorization: Annotated[str | None, Header(description="Bearer <API key>.")] = None,
) -> Principal:
    """The principal, after counting this request against its per-key or per-client limit.

    An anonymous caller counted in the in-process state store costs a few microseconds and waits on
    nothing: found on the event loop. A key (a database read) or a Redis count take a worker thread.
    """
    if x_api_key is None and authorization is None and request.app.state.services.local_state:
        return _limited_principal(request, None, None)
    return await run_in_threadpool(_limited_principal, request, x_api_key, authorization)


def _limited_principal(request: Request, x_api_key: str | None, authorization: str | None) -> Principal:
    principal = get_principal(request, x_api_key, authorization)
    api = request.app.state.settings.api
    limiter = request.app.state.limiter
    if principal.key_id:
        limiter.hit("key", principal.key_id, api.key_rate_per_minute)
    else:
        limiter.hit("client", principal.client, api.anonymous_rate_per_minute)
    return principal


def require_facilitator(principal: Annotated[Principal, Depends(limited_principal)]) -> Principal:
    if principal.key_id is None:
        raise UnauthenticatedError("Cek status oleh pendamping memerlukan kunci API pendamping.")
    if principal.role != "facilitator":
        raise AccessDeniedError("Hanya kunci pendamping yang boleh memakai cek status ini.")
    return principal


def require_admin(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if principal.key_id is None:
        raise UnauthenticatedError("Fungsi admin memerlukan kunci API admin.")
    if principal.role != "admin":
        raise AccessDeniedError("Hanya kunci admin yang boleh memakai fungsi ini.")
    return principal


ServicesDep = Annotated[Services, Depends(get_services)]
CallerDep = Annotated[Principal, Depends(limited_principal)]
FacilitatorDep = Annotated[Principal, Depends(require_facilitator)]
AdminDep = Annotated[Principal, Depends(require_admin)]
