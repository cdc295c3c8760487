"""The demo's reports: two handlers, their organisations' keys, a few synthetic reports
in several languages, answered and referred through the same services as the pages."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from sqlalchemy import Engine

from zicht.access import Actor, Principal, add_user, list_users
from zicht.reporting._conversation import NewReport, submit_report
from zicht.reporting._keys import create_organisation_key
from zicht.reporting._pending import finish_pending
from zicht.reporting._policy import ReportingError, ReportingPolicy
from zicht.reporting._triage import answer_report, flag_urgent, refer_report
from zicht.reporting._work import issue_challenge, solve

__all__ = ["DEMO_REPORTS", "DemoReports", "file_demo_reports"]

# (audience, language, what happened): synthetic, invented for the demo.
DEMO_REPORTS: tuple[tuple[str, str, str], ...] = (
    ("worker", "pl", "Pracuję w szklarni 14 godzin dziennie. Szef zabrał nam paszporty."),
    ("worker", "ro", "Locuim câte zece într-o cameră și ne oprește banii pentru chirie."),
    ("worker", "bg", "Не ни плащат от два месеца и казват, че дължим пари за транспорта."),
    ("victim", "uk", "Мене змушують працювати в масажному салоні. Я не можу піти."),
    (
        "client",
        "nl",
        "Op een adres in de stad leek een jonge vrouw bang; ze sprak geen Nederlands.",
    ),
    ("witness", "en", "A van picks up the same group of workers every night at 4 am."),
)

_HANDLERS = {"comensha": "demo-meld-comensha", "fairwork": "demo-meld-fairwork"}


@dataclass
class DemoReports:
    """What the demo filed: receipts (to try the way back) and the handlers' logins."""

    receipts: list[tuple[str, str]] = field(default_factory=list)
    handlers: list[tuple[str, str, str]] = field(default_factory=list)


def _handler(engine: Engine, organisation: str, username: str) -> tuple[int, str] | None:
    existing = {user.username for user in list_users(engine)}
    if username in existing:
        return None  # kept from an earlier run: its key copy stays as it was
    actor = Actor("demo", "system", None, "zicht demo")
    password = add_user(engine, actor, username, "report_handler", organisation)
    user_id = next(u.id for u in list_users(engine) if u.username == username)
    return user_id, password


def file_demo_reports(engine: Engine, policy: ReportingPolicy) -> DemoReports:
    """File `DEMO_REPORTS`, answer the first of each organisation, refer one."""
    made = DemoReports()
    principals = {}
    for organisation, username in _HANDLERS.items():
        handler = _handler(engine, organisation, username)
        if handler is not None:
            user_id, password = handler
            # An organisation may have its key from another run: that key stays.
            with contextlib.suppress(ReportingError):
                create_organisation_key(engine, organisation, user_id, password, "zicht demo")
            made.handlers.append((username, organisation, password))
            principals[organisation] = Principal.for_user(
                user_id, username, "report_handler", organisation
            )
    for index, (audience, language, what) in enumerate(DEMO_REPORTS):
        challenge = issue_challenge(policy.work_key)
        receipt = submit_report(
            engine,
            policy,
            NewReport(audience=audience, language=language, what=what),
            challenge=challenge,
            nonce=solve(challenge, policy.work_bits),
        )
        made.receipts.append((language, receipt.grouped))
        organisation = "fairwork" if audience == "worker" else "comensha"
        principal = principals.get(organisation)
        if principal is None:
            continue
        if index in (0, 3):
            answer_report(engine, principal, receipt.report_id, "Thank you. Are you safe now?")
        if index == 3:
            flag_urgent(engine, principal, receipt.report_id, True)
        if index == 0:
            refer_report(engine, principal, receipt.report_id, "inspectorate")
    finish_pending(engine, policy)  # the receipts' derivations, as the server does them
    return made
