"""The API documentation page (/api-docs): public, like the schema it is drawn from."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from zicht.i18n import N_
from zicht.web.api_docs import api_docs
from zicht.web.deps import current_principal, public
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/api-docs", dependencies=[Depends(public)])
def api_documentation(request: Request) -> Response:
    """Every operation, parameter, response and schema of the API, with examples."""
    t = Translator(language_of(request))
    docs = api_docs(request.app, t, str(request.base_url))
    return render(
        request,
        "api_docs.html",
        current_principal(request),
        N_("API documentation"),
        docs=docs,
        base_url=str(request.base_url).rstrip("/"),
    )
