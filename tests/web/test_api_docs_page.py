"""The API documentation page for partner developers (issue 14, point 9): drawn on the
server from the app's own OpenAPI schema, complete, in Dutch and English, without
JavaScript, and with example requests that work.

Oracles: the OpenAPI document itself (`/api/openapi.json`), the catalogues' English
texts, and the API answering the page's own examples."""

from __future__ import annotations

import html
import re
import shlex
from typing import Any

from tests.i18n.english import untranslated
from tests.web.conftest import WebWorld
from zicht.access import TOKEN_ACTIONS
from zicht.web.api_docs import OPERATIONS, PARAMETERS


def _spec(world: WebWorld) -> dict[str, Any]:
    response = world.client().get("/api/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]


def test_every_operation_parameter_and_schema_is_on_the_page(sqlite_world: WebWorld) -> None:
    spec = _spec(sqlite_world)
    page = sqlite_world.client().get("/api-docs?lang=en")  # public, like the schema
    assert page.status_code == 200
    text = html.unescape(page.text)
    operations = _operations(spec)
    assert len(operations) >= 20
    for method, path, operation in operations:
        heading = re.search(
            rf"<h3 id=\"[^\"]+\"><span[^>]*>{method}</span> <code>{re.escape(path)}</code></h3>"
            r"(.*?)(?=<h3 |</section>)",
            text,
            re.S,
        )
        assert heading is not None, (method, path)
        body = heading.group(1)
        for parameter in operation.get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in body, (path, parameter["name"])
        for status in operation["responses"]:
            assert f"<code>{status}</code>" in body, (path, status)
        assert "curl" in body
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"><code>{name}</code>' in text, name


def test_every_operation_and_parameter_is_described(sqlite_world: WebWorld) -> None:
    spec = _spec(sqlite_world)
    for method, path, operation in _operations(spec):
        assert f"{method} {path}" in OPERATIONS, f"describe {method} {path} in OPERATIONS"
        for parameter in operation.get("parameters", []):
            assert parameter["name"] in PARAMETERS, f"describe {parameter['name']} in PARAMETERS"


def test_the_dutch_page_speaks_dutch_and_runs_no_script(sqlite_world: WebWorld) -> None:
    page = sqlite_world.client().get("/api-docs")
    assert '<html lang="nl">' in page.text
    assert untranslated(page.text) == []
    assert "Authenticatie" in page.text and "Voorbeeldverzoek" in page.text
    assert "<script" not in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    english = sqlite_world.client().get("/api-docs?lang=en").text
    assert "Authentication" in english and "Example request" in english


def test_the_example_requests_work(sqlite_world: WebWorld) -> None:
    """Each GET example, run as written with a partner token holding the permission the
    page names, is answered without an error of its own (a 404 for an example number is
    fine); a permission no token may hold is named as such."""
    # a municipality's and a platform's own actions are for their tokens only
    granted = [a for a in TOKEN_ACTIONS if a not in ("import_licences", "import_ads")]
    token = sqlite_world.token(granted)
    client = sqlite_world.client()
    page = html.unescape(client.get("/api-docs?lang=en").text)
    articles = re.findall(r'<article class="api-operation".*?</article>', page, re.S)
    assert len(articles) == len(_operations(_spec(sqlite_world)))
    tried = 0
    for article in articles:
        example = re.search(
            r'<pre class="code" tabindex="0"><code>(curl.*?)</code></pre>', article, re.S
        )
        assert example is not None
        words = shlex.split(example.group(1).replace("\\\n", " "))
        if "-X" in words:
            continue  # POSTs write; their bodies are described, not run here
        url = words[-1]
        assert url.startswith("http://localhost/api/"), url
        needed = re.search(r"Permission needed: <code>(\w+)</code>", article)
        headers = {}
        if "-H" in words:
            assert words[words.index("-H") + 1] == "Authorization: Bearer $API_TOKEN"
            assert needed is not None, url
            headers["authorization"] = f"Bearer {token}"
        response = client.get(url, headers=headers)
        if needed is not None and needed.group(1) not in granted:
            assert response.status_code == 403, url  # for a session's user only
            continue
        assert response.status_code in (200, 404), (url, response.status_code, response.text)
        tried += 1
    assert tried >= 10
