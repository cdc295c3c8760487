"""The API documentation page for the partner systems' developers, drawn on the server
from the app's own OpenAPI schema: no JavaScript, no third-party code, nl and en.

Every operation of the schema is shown with what it needs (the permission of its
token), its parameters (type, limits, default, meaning), its request body, its
responses, an example request with `curl` and an example response built from the
response schema; then every schema of the API with its fields. Titles, descriptions
and parameter meanings are messages of the catalogues (`OPERATIONS`, `PARAMETERS`);
an operation missing there still appears, with the English text of its docstring, and
a test fails until it is described.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI
from fastapi.routing import APIRoute
from markupsafe import Markup, escape

from zicht.access import ACTIONS
from zicht.i18n import N_
from zicht.web.i18n import Translator

__all__ = ["GROUPS", "OPERATIONS", "PARAMETERS", "ApiDocs", "api_docs"]

# Sections of the page: the first path segment after /api/ -> heading.
GROUPS: dict[str, str] = {
    "health": N_("Health"),
    "dashboard": N_("Figures"),
    "uploads": N_("Deliveries"),
    "quarantine": N_("Quarantine"),
    "registrations": N_("Registrations"),
    "persons": N_("Persons"),
    "estimates": N_("Estimates"),
    "reports": N_("Reports"),
    "shelter": N_("Shelter"),
    "platforms": N_("Notices (DSA)"),
    "licences": N_("Licences"),
    "programme": N_("Programme"),
}

# "METHOD path" -> (title, description), for the partner developer.
OPERATIONS: dict[str, tuple[str, str]] = {
    "GET /api/health": (
        N_("Is the service up?"),
        N_("Answers 200 while the service runs. Needs no token."),
    ),
    "GET /api/dashboard": (
        N_("Headline figures"),
        N_(
            "The dashboard's counts as published: null where a count is suppressed "
            "(below 10, or to protect another cell). A token of one organisation gets "
            "only its own count per organisation."
        ),
    ),
    "POST /api/uploads": (
        N_("Deliver a file"),
        N_(
            "Send a file of your organisation (CSV or XLSX, in the data standard). Rows "
            "with problems are quarantined; the answer says per row what was stored."
        ),
    ),
    "GET /api/uploads/{batch_id}": (
        N_("The result of a delivery"),
        N_("What became of each row of one delivery of your organisation."),
    ),
    "GET /api/quarantine": (
        N_("Quarantined rows"),
        N_(
            "Your organisation's open quarantined rows: file, row and the rules broken, "
            "never the values. Messages come in the language asked for (lang, else "
            "Accept-Language, else Dutch)."
        ),
    ),
    "GET /api/registrations": (
        N_("List registrations"),
        N_(
            "Registrations in your scope, filtered and paged. Identity data only for a "
            "token that may see it, with identities=true and a purpose; every look is "
            "recorded in the audit trail."
        ),
    ),
    "GET /api/registrations/{record_type}/{record_id}": (
        N_("One registration"),
        N_("One registration in your scope (404 outside it); identity data with a purpose."),
    ),
    "GET /api/persons": (
        N_("Linked persons"),
        N_("The persons of the latest link run, 100 per page."),
    ),
    "GET /api/persons/{person_id}": (
        N_("One linked person"),
        N_("A person of the latest link run with its registrations; identities with a purpose."),
    ),
    "GET /api/estimates": (
        N_("Estimates"),
        N_(
            "Multiple systems estimates of the number of victims, in all and per year, "
            "as published: rounded, with a reason where a year has no estimate."
        ),
    ),
    "GET /api/reports": (
        N_("Reports"),
        N_("The report files that can be downloaded."),
    ),
    "GET /api/reports/{name}": (
        N_("Download a report"),
        N_("One report file, by the name the list gives."),
    ),
    "GET /api/shelter/availability": (
        N_("Shelter availability"),
        N_("Every shelter with its beds per kind: in all, taken and free."),
    ),
    "POST /api/shelter/places/{code}/beds": (
        N_("Set a shelter's beds"),
        N_("Set the beds of one kind of a shelter and how many are free (its own staff only)."),
    ),
    "GET /api/shelter/figures": (
        N_("Shelter figures"),
        N_("Published shelter figures: null where a count is suppressed."),
    ),
    "POST /api/platforms/{platform}/notices": (
        N_("File a notice"),
        N_(
            "A notice about items on a platform (DSA article 16): without a token, or as "
            "a trusted flagger with one."
        ),
    ),
    "POST /api/licences": (
        N_("Import licences"),
        N_("Import the licences of the token's municipality."),
    ),
    "POST /api/ads": (
        N_("Deliver ads"),
        N_(
            "Store and screen a file of the token's platform's ads (JSON Lines, CSV or "
            "XLSX); refused rows are named by row, field and rule."
        ),
    ),
    "GET /api/programme": (
        N_("Programme actions"),
        N_("The programme of a year (default: the newest), its actions per theme."),
    ),
    "GET /api/programme/indicators": (
        N_("Programme indicators"),
        N_("The indicators of a year against their targets; null where not available."),
    ),
    "GET /api/programme/coverage": (
        N_("Programme coverage"),
        N_("Coverage per municipality, safety region and country in a year."),
    ),
}

# The schema's own English texts (responses of the routers, descriptions of the models and
# of the upload fields) as messages, so that the page shows them in its language.
SCHEMA_TEXTS = (
    N_("No programme for that year"),
    N_("No shelter"),
    N_("Not allowed"),
    N_("Not allowed to file notices"),
    N_("Not an ad feed or unusable file (nothing stored)"),
    N_("Not authenticated"),
    N_("Not found"),
    N_("Platform not registered"),
    N_("Purpose missing"),
    N_("Rules broken"),
    N_("Successful Response"),
    N_("Token not valid"),
    N_("Unusable file"),
    N_("Unusable file (nothing stored)"),
    N_("Validation Error"),
    N_("What happened to every row: refusals name file, row, field and rule, never a value."),
    N_("A notice (Art. 16): category and keywords of the Transparency Database."),
    N_("One item: its exact URL and, on a Zicht platform, the ad id."),
    N_("JSON Lines, CSV or XLSX ad file"),
    N_("CSV, TSV, XLSX or JSON Lines licence file"),
    N_("YAML mapping file"),
    N_("CSV, TSV, XLSX or JSONL file"),
)


# The values a parameter's meaning lists (shown as code in its %(values)s).
PARAMETER_VALUES: dict[str, tuple[str, ...]] = {
    "record_type": ("victim_registration", "suspect_registration", "report"),
}


def _meaning(t: Translator, name: str) -> Markup | str:
    """A parameter's meaning in the page's language, the values it lists as code."""
    if name not in PARAMETERS:
        return ""
    if name not in PARAMETER_VALUES:
        return t(PARAMETERS[name])
    codes = Markup(", ").join(Markup("<code>%s</code>") % v for v in PARAMETER_VALUES[name])
    return escape(t(PARAMETERS[name], values="\x00")).replace("\x00", codes)


def _one_of(t: Translator, values: list[Any]) -> Markup:
    """ "one of a, b, c" in the page's language, each value marked as code."""
    codes = Markup(", ").join(Markup("<code>%s</code>") % str(v) for v in values)
    return escape(t("one of %(values)s", values="\x00")).replace("\x00", codes)


PARAMETERS: dict[str, str] = {
    "record_type": N_("The kind of record: %(values)s."),
    "organisation": N_("An organisation's code; a token of one organisation sees its own only."),
    "year": N_("A year (registration year, or the programme's year)."),
    "form": N_("A form of exploitation (a code of the data standard)."),
    "sort": N_("The order: a column, with - before it for descending."),
    "page": N_("The page, from 1."),
    "page_size": N_("Rows per page."),
    "identities": N_("true to receive identity data (needs the permission and a purpose)."),
    "purpose": N_("Why identity data is looked at; recorded in the audit trail."),
    "suspicious": N_("true for persons flagged for review only."),
    "batch_id": N_("The number of a delivery (the answer of the upload)."),
    "record_id": N_("The number of a registration."),
    "person_id": N_("The number of a person of the latest link run."),
    "name": N_("The file name from the list of reports."),
    "code": N_("A shelter's code."),
    "platform": N_("A platform's code."),
    "lang": N_("The language of messages: nl or en."),
}

_METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    limits: Markup
    default: str
    description: Markup | str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    title: str
    description: str
    permission: str | None
    permission_label: str
    parameters: tuple[Parameter, ...]
    body: str | None
    body_type: str | None
    body_schema: str | None
    responses: tuple[tuple[str, str, str | None], ...]
    curl: str
    example: str | None


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Schema:
    name: str
    anchor: str
    description: str
    fields: tuple[Field, ...]
    values: Markup | str


@dataclass(frozen=True)
class ApiDocs:
    title: str
    version: str
    groups: tuple[tuple[str, str, tuple[Operation, ...]], ...]
    schemas: tuple[Schema, ...]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict[str, Any]) -> str:
    """A short human type: integer, string (date), array of RegistrationOut, …"""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        return " | ".join(kinds) + (" | null" if nullable else "")
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array[{_type(schema.get('items', {}))}]"
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        inner = _type(extra) if isinstance(extra, dict) else "any"
        return f"object[string → {inner}]"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _limits(t: Translator, schema: dict[str, Any]) -> Markup:
    parts: list[Markup] = []
    for inner in [schema, *schema.get("anyOf", [])]:
        if "enum" in inner:
            parts.append(_one_of(t, inner["enum"]))
        if "minimum" in inner:
            parts.append(escape(f"≥ {inner['minimum']}"))
        if "maximum" in inner:
            parts.append(escape(f"≤ {inner['maximum']}"))
        if "maxLength" in inner:
            parts.append(escape(t("at most %(n)s characters", n=inner["maxLength"])))
    return Markup("; ").join(parts)


def _example(
    schemas: dict[str, Any], schema: dict[str, Any], depth: int = 0, name: str = ""
) -> Any:
    """A plausible value of `schema`, for the example responses."""
    if "$ref" in schema:
        if depth > 4:
            return {}
        return _example(schemas, schemas[_ref_name(schema["$ref"])], depth + 1, name)
    if "example" in schema:
        return schema["example"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _example(schemas, options[0], depth, name) if options else None
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        if not properties:
            return {}
        return {key: _example(schemas, value, depth + 1, key) for key, value in properties.items()}
    if kind == "array":
        return [_example(schemas, schema.get("items", {}), depth + 1, name)]
    if kind == "integer":
        return int(schema.get("minimum", 1) or 1)
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") == "date":
            return "2024-01-31"
        if schema.get("format") == "date-time":
            return "2024-01-31T12:00:00"
        return name or "text"
    return None


def _path_example(name: str, schema: dict[str, Any], schemas: dict[str, Any]) -> str:
    value = _example(schemas, schema, name=name)
    if isinstance(value, str) and value == name:
        known = {"record_type": "victim_registration", "platform": "kinky-nl", "name": "report.pdf"}
        return known.get(name, "1")
    return str(value)


def _curl(
    base_url: str,
    method: str,
    path: str,
    parameters: list[dict[str, Any]],
    schemas: dict[str, Any],
    body_type: str | None,
    body_fields: list[str],
    public: bool,
) -> str:
    concrete = path
    query: list[tuple[str, str]] = []
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if parameter["in"] == "path":
            example = _path_example(parameter["name"], schema, schemas)
            concrete = concrete.replace("{" + parameter["name"] + "}", example)
        elif parameter["in"] == "query" and parameter.get("required"):
            query.append((parameter["name"], str(_example(schemas, schema, name="x"))))
    url = base_url.rstrip("/") + concrete + (("?" + urlencode(query)) if query else "")
    lines = ["curl"]
    if method != "get":
        lines[0] += f" -X {method.upper()}"
    if not public:
        lines.append('  -H "Authorization: Bearer $API_TOKEN"')
    if body_type == "multipart/form-data":
        lines += [
            f"  -F '{name}=@file.csv'" if name == "file" else f"  -F '{name}=…'"
            for name in body_fields
        ]
    elif body_type == "application/json":
        lines.append('  -H "Content-Type: application/json" -d @body.json')
    lines.append(f'  "{url}"')
    return " \\\n".join(lines)


def _anchor(method: str, path: str) -> str:
    plain = path.strip("/").replace("/", "-").replace("{", "").replace("}", "")
    return f"{method}-{plain}"


def _actions_of_routes(app: FastAPI) -> dict[tuple[str, str], str]:
    from zicht.web.app import all_routes, route_action

    found: dict[tuple[str, str], str] = {}
    for route in all_routes(app.routes):
        if isinstance(route, APIRoute):
            action = route_action(route)
            for method in route.methods or ():
                if action is not None:
                    found[(method.lower(), route.path)] = action
    return found


def api_docs(app: FastAPI, t: Translator, base_url: str) -> ApiDocs:
    """The documentation of `app`'s API in the language of `t`."""
    spec = app.openapi()
    schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
    actions = _actions_of_routes(app)
    grouped: dict[str, list[Operation]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, operation in sorted(methods.items(), key=lambda m: _METHOD_ORDER.get(m[0], 9)):
            key = f"{method.upper()} {path}"
            own = OPERATIONS.get(key)
            title = t(own[0]) if own else str(operation.get("summary", key))
            description = t(own[1]) if own else str(operation.get("description", ""))
            action = actions.get((method, path))
            public = action in (None, "public")
            parameters = [p for p in operation.get("parameters", []) if "$ref" not in p]
            shown = tuple(
                Parameter(
                    name=p["name"],
                    where=p["in"],
                    required=bool(p.get("required")),
                    type=_type(p.get("schema", {})),
                    limits=_limits(t, p.get("schema", {})),
                    default=(
                        json.dumps(p["schema"]["default"])
                        if "default" in p.get("schema", {})
                        else ""
                    ),
                    description=_meaning(t, p["name"]),
                )
                for p in parameters
            )
            body_type = body_schema = None
            body_fields: list[str] = []
            body = operation.get("requestBody")
            if body:
                body_type, content = next(iter(body.get("content", {}).items()))
                schema = content.get("schema", {})
                if "$ref" in schema:
                    body_schema = _ref_name(schema["$ref"])
                    body_fields = list(schemas.get(body_schema, {}).get("properties", {}))
            responses = []
            example = None
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                schema = content.get("schema")
                name = _type(schema) if schema else None
                responses.append((status, t(response.get("description", "")), name))
                if example is None and status.startswith("2") and schema:
                    example = json.dumps(_example(schemas, schema), indent=2, ensure_ascii=False)
            group = path.removeprefix("/api/").split("/", 1)[0]
            grouped.setdefault(group, []).append(
                Operation(
                    anchor=_anchor(method, path),
                    method=method.upper(),
                    path=path,
                    title=title,
                    description=description,
                    permission=None if public else action,
                    permission_label=t(ACTIONS[action]) if action in ACTIONS else "",
                    parameters=shown,
                    body=t("Required") if body and body.get("required") else None,
                    body_type=body_type,
                    body_schema=body_schema,
                    responses=tuple(responses),
                    curl=_curl(
                        base_url,
                        method,
                        path,
                        parameters,
                        schemas,
                        body_type,
                        body_fields,
                        public,
                    ),
                    example=example,
                )
            )
    order = list(GROUPS)
    groups = tuple(
        (name, t(GROUPS[name]) if name in GROUPS else name, tuple(operations))
        for name, operations in sorted(
            grouped.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
    )
    shown_schemas = tuple(
        Schema(
            name=name,
            anchor=f"schema-{name}",
            description=t(str(schema.get("description", ""))) if schema.get("description") else "",
            fields=tuple(
                Field(
                    name=key,
                    type=_type(value),
                    required=key in schema.get("required", []),
                    description=t(str(value["description"])) if value.get("description") else "",
                )
                for key, value in schema.get("properties", {}).items()
            ),
            values=(_one_of(t, schema["enum"]) if "enum" in schema else ""),
        )
        for name, schema in sorted(schemas.items())
    )
    info = spec.get("info", {})
    return ApiDocs(str(info.get("title", "")), str(info.get("version", "")), groups, shown_schemas)
