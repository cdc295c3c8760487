"""The FastAPI application: pages, JSON API, security headers, error pages.

`create_app` refuses to build an app in which a route neither declares the action
it needs nor is marked public (deny by default).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount

from zicht.access import authorize
from zicht.config import Settings
from zicht.i18n import N_
from zicht.privacy import Cipher
from zicht.store import make_engine
from zicht.store.server_pools import OVERFLOW, server_pools_for
from zicht.web.deps import AppState, NotAuthenticated, current_principal
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render
from zicht.web.security import SecurityMiddleware

if TYPE_CHECKING:
    from zicht.access import Checkpoints

__all__ = ["PUBLIC_PATHS", "all_routes", "create_app", "route_action"]

log = logging.getLogger(__name__)
_STATIC = Path(__file__).parent / "static"
PUBLIC_PATHS = frozenset(
    {
        "/login",
        "/logout",
        "/",
        "/health",
        "/api/health",
        "/api/openapi.json",
        # The API's documentation for partner developers, drawn from the schema above.
        "/api-docs",
        # The anonymous reporting channel (zicht.reporting): no account by design.
        "/meld",
        "/meld/{lang}",
        "/meld/{lang}/report/{audience}",
        "/meld/{lang}/back",
        "/meld/{lang}/reply",
        # DSA Art. 16: anyone may file a notice, logged out (docs/notices.md)
        "/report/{platform}",
        "/report/{platform}/ad/{ad_id}",
        "/api/platforms/{platform}/notices",
        # DSA Art. 20: the poster or notifier complains with a key, logged out
        "/complaint",
    }
)


def default_report_dir(settings: Settings) -> Path:
    """Where reports are looked for: ZICHT_REPORT_DIR, else `report/` beside an SQLite file."""
    if settings.report_dir is not None:
        return settings.report_dir
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / "report"
    return Path("var/report")


def route_action(route: BaseRoute) -> str | None:
    """The action a route declares ("public" for public routes), or None when it declares none."""
    if not isinstance(route, APIRoute):
        return None
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        call = dependency.call
        if getattr(call, "public", False):
            return "public"
        action = getattr(call, "action", None)
        if isinstance(action, str):
            return action
        pending.extend(dependency.dependencies)
    return None


def all_routes(routes: list[BaseRoute]) -> list[BaseRoute]:
    """Every route, with those of included routers flattened in."""
    flat: list[BaseRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            flat.extend(all_routes(list(included.routes)))
        else:
            flat.append(route)
    return flat


def _check_routes(app: FastAPI) -> None:
    for route in all_routes(app.routes):
        if isinstance(route, Mount) and route.path == "/static":
            continue
        if isinstance(route, APIRoute):
            if route_action(route) is None:
                raise RuntimeError(f"route {route.path} declares no action and is not public")
        elif getattr(route, "path", None) not in PUBLIC_PATHS:
            raise RuntimeError(f"route {getattr(route, 'path', route)!r} is not covered")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


_ERROR_TITLES = {403: N_("Access denied"), 404: N_("Not found"), 400: N_("Bad request")}
_ERROR_TEXTS = {
    403: N_("You are not allowed to see this page or do this."),
    404: N_("This page or record does not exist, or lies outside your organisation."),
}


_UPLOAD_REFUSAL = N_(
    "Files are delivered by each organisation itself: its data steward uploads them here, or "
    "its system through the API, because an organisation answers for its own registrations. "
    "A coordinator does not upload on an organisation's behalf; ask its data steward to "
    "deliver, and follow the deliveries of every organisation in the delivery calendar."
)


def _error_page(request: Request, status: int, detail: Any) -> Response:
    t = Translator(language_of(request))
    try:
        principal = current_principal(request)
    except Exception:  # an error page must not fail on the session lookup
        principal = None
    title_key = _ERROR_TITLES.get(status, N_("Something went wrong"))
    if detail == "csrf_failed":
        message = t("The form has expired. Reload the page and try again.")
    elif status == 403 and request.url.path.startswith(("/upload", "/uploads/")):
        # Deliveries are the organisation's own: say why, and where to follow them.
        message = t(_UPLOAD_REFUSAL)
        link = (
            ("/deliveries", t("Delivery calendar"))
            if principal and authorize(principal, "view_deliveries")
            else None
        )
        return render(
            request,
            "error.html",
            principal,
            N_("Uploads are made by each organisation"),
            status_code=status,
            message=message,
            link=link,
        )
    elif status in _ERROR_TEXTS:
        message = t(_ERROR_TEXTS[status])
    else:
        message = t(title_key)
    return render(request, "error.html", principal, title_key, status_code=status, message=message)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "not_authenticated"},
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="zicht"'},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request) or (exc.status_code in (405, 413, 429) and not _accepts_html(request)):
            return JSONResponse(
                {"detail": exc.detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(_error_page, request, exc.status_code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            errors = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                for e in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        from starlette.concurrency import run_in_threadpool

        # A page whose path names no possible row (an id out of range, not a number)
        # does not exist; anything else wrong in a request is the asker's mistake.
        in_path = all(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors())
        status = 404 if in_path else 400
        return await run_in_threadpool(_error_page, request, status, "bad_request")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    from starlette.concurrency import run_in_threadpool

    from zicht.platforms.notices import warm_intake

    pools = app.state.zicht.pools
    if pools is not None:
        # No more request threads than the process keeps connections (server_pools).
        anyio.to_thread.current_default_thread_limiter().total_tokens = pools.threads
    await run_in_threadpool(_start_checkpoints, app)  # server start: checkpoint the audit head
    # Before the process accepts requests (uvicorn serves once the lifespan has started):
    # the notice intake's first connection and compiled statement, not the first notice's.
    # Only a head start: a database that is away now must not stop the server.
    try:
        await run_in_threadpool(warm_intake, app.state.zicht.engine)
    except Exception as exc:
        logging.getLogger(__name__).warning("notice intake not warmed: %s", type(exc).__name__)
    # Receipts of anonymous reports are derived after the reporter has theirs, on a
    # thread of lower priority (zicht.reporting._pending); it first finishes any left.
    app.state.reporting_finisher.start()
    # What is alive once the app is built (modules, templates, SQLAlchemy metadata)
    # lives as long as the process: freezing it keeps the cyclic garbage collector
    # from walking it in every full collection, each a pause of some 80 ms otherwise.
    gc.collect()
    gc.freeze()
    yield
    await run_in_threadpool(app.state.reporting_finisher.stop)


def _audit_checkpoints(engine: Engine, cipher: Cipher, settings: Settings) -> Checkpoints | None:
    """Where the server checkpoints the audit head (at start, then every 100 entries)."""
    from zicht.access import Checkpoints, default_checkpoint_directory

    configured = settings.audit_checkpoint_dir
    directory = (
        Path(configured)
        if configured
        else default_checkpoint_directory(engine, settings.secret_key_file)
    )
    if directory is None:
        log.warning("no audit checkpoints: set ZICHT_AUDIT_CHECKPOINT_DIR (docs/web.md)")
        return None
    return Checkpoints.of(engine, cipher, directory)


def _start_checkpoints(app: FastAPI) -> None:
    from zicht.access import checkpoint_audit

    checkpoints = app.state.audit_checkpoints
    if checkpoints is not None and not checkpoint_audit(app.state.zicht.engine, checkpoints):
        log.error("the audit trail does not hold its last checkpoint")


def _accepts_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    cipher: Cipher | None = None,
    report_dir: Path | None = None,
    processes: int = 1,
) -> FastAPI:
    """The Zicht web application.

    Args:
        settings: database URL, key and report folder (default: read from the ZICHT_*
            environment here, the edge of a server process that is given none).
        engine: an engine to use instead of one made from the settings.
        cipher: the identity-data cipher instead of the configured key (MissingKeyError
            when neither is available: the app does not start without its key).
        report_dir: folder of the report files (default: `default_report_dir`).
        processes: how many server processes run this app on one database; with no
            engine given, a PostgreSQL database's connections are shared among them
            (`store.server_pools`).
    """
    from zicht.reporting import PendingFinisher, ReportingPolicy
    from zicht.web.routers import (
        admin,
        ads,
        ads_api,
        api,
        api_docs,
        audit,
        dashboard,
        deliveries,
        estimates,
        jobs,
        licence_import,
        licences_api,
        meld,
        networks,
        notice_complaint,
        notice_form,
        notice_moderation,
        notices,
        notices_api,
        opendata,
        persons,
        programme,
        programme_api,
        quarantine,
        registrations,
        reports,
        session,
        shelter,
        shelter_admin,
        shelter_api,
        triage,
        upload,
    )

    settings = settings or Settings()
    pools = None
    if engine is None:
        pools = server_pools_for(settings.database_url, processes)
        sizes = {} if pools is None else {"pool_size": pools.threads, "max_overflow": OVERFLOW}
        engine = make_engine(settings.database_url, **sizes)
    cipher = cipher or settings.cipher()
    app = FastAPI(
        title="Zicht API",
        version="1",
        description="JSON API of Zicht: uploads, registrations, persons, estimates and "
        "reports, under the same permissions as the pages. Authenticate with "
        "`Authorization: Bearer <API token>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.zicht = AppState(
        engine=engine,
        cipher=cipher,
        report_dir=report_dir or default_report_dir(settings),
        pools=pools,
    )
    app.state.reporting = ReportingPolicy.of(settings, cipher)
    app.state.reporting_finisher = PendingFinisher(engine, app.state.reporting)
    app.state.settings = settings
    app.state.opendata = {
        "k": settings.opendata_k,
        "epsilon": settings.opendata_epsilon,
        "budget": settings.opendata_budget,
    }
    app.state.audit_checkpoints = _audit_checkpoints(engine, cipher, settings)
    for router in (
        session,
        dashboard,
        upload,
        quarantine,
        registrations,
        deliveries,
        persons,
        jobs,
        networks,
        estimates,
        reports,
        opendata,
        shelter,
        shelter_admin,
        triage,
        meld,
        programme,
        notices,
        notice_moderation,
        notice_form,
        notice_complaint,
        ads,
        licence_import,
        admin,
        audit,
        api,
        shelter_api,
        notices_api,
        licences_api,
        ads_api,
        programme_api,
        api_docs,
    ):
        app.include_router(router.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    _install_handlers(app)
    app.add_middleware(SecurityMiddleware)
    _check_routes(app)
    return app
