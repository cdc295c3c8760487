"""Information pages before the form, per audience, topic and language: Markdown that a
coordinator writes and another reviews before it is published (four eyes)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zicht.access import AuditEvent, Principal, log_action
from zicht.reporting._model import LANGUAGES, PUBLIC_AUDIENCES, TOPICS
from zicht.reporting._policy import ReportingError
from zicht.store import reporting as store

__all__ = [
    "InformationPage",
    "draft_page",
    "information_pages",
    "pages_to_review",
    "render_markdown",
    "review_page",
]

MAX_BODY = 20_000


@dataclass(frozen=True)
class InformationPage:
    """One page as stored (its Markdown) and as shown (safe HTML)."""

    id: int
    audience: str
    topic: str
    language: str
    body: str
    status: str
    author: str

    @property
    def html(self) -> Markup:
        """The Markdown as HTML (raw HTML in it is escaped, links kept)."""
        return render_markdown(self.body)


def render_markdown(text: str) -> Markup:
    """CommonMark to HTML with raw HTML disabled (what coordinators type cannot inject)."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).render(text)
    return Markup(html)  # noqa: S704 - markdown-it escapes everything with html off


def _page(row: store.ReportPageRow) -> InformationPage:
    return InformationPage(
        row.id, row.audience, row.topic, row.language, row.body, row.status, row.author
    )


def draft_page(
    engine: Engine, principal: Principal, audience: str, topic: str, language: str, body: str
) -> int:
    """Save a draft page; it shows only after another coordinator published it."""
    if audience not in PUBLIC_AUDIENCES:
        raise ReportingError("audience")
    if topic not in TOPICS:
        raise ReportingError("topic")
    if language not in LANGUAGES:
        raise ReportingError("language")
    if not body.strip() or len(body) > MAX_BODY:
        raise ReportingError("body")
    values = {
        "audience": audience,
        "topic": topic,
        "language": language,
        "body": body,
        "status": "draft",
        "author": principal.actor,
    }
    with Session(engine) as session, session.begin():
        page_id = store.save_page(session, values)
    _audit(engine, principal, "draft_page", page_id)
    return page_id


def review_page(engine: Engine, principal: Principal, page_id: int, publish: bool) -> None:
    """Publish (replacing the page it updates) or reject a draft; never one's own."""
    with Session(engine) as session, session.begin():
        drafts = {p.id: p for p in store.page_rows(session, statuses=("draft",))}
        draft = drafts.get(page_id)
        if draft is None:
            raise ReportingError("not_found")
        if draft.author == principal.actor:
            raise ReportingError("own_page")
        if publish:
            for old in store.page_rows(session, audience=draft.audience, language=draft.language):
                if old.topic == draft.topic:
                    store.update_page(session, old.id, status="superseded")
        status = "published" if publish else "rejected"
        store.update_page(session, page_id, status=status, reviewer=principal.actor)
    _audit(engine, principal, "publish_page" if publish else "reject_page", page_id)


def information_pages(engine: Engine, audience: str, language: str) -> list[InformationPage]:
    """The published pages of an audience in a language, by topic."""
    with Session(engine) as session:
        return [_page(r) for r in store.page_rows(session, audience=audience, language=language)]


def pages_to_review(engine: Engine) -> list[InformationPage]:
    """Drafts waiting for review, oldest first."""
    with Session(engine) as session:
        return [_page(r) for r in store.page_rows(session, statuses=("draft",))]


def _audit(engine: Engine, principal: Principal, action: str, page_id: int) -> None:
    log_action(
        engine,
        AuditEvent(
            actor=principal.actor,
            action=action,
            actor_kind=principal.kind,
            actor_organisation=principal.organisation,
            object_type="reporting_page",
            object_ids=[page_id],
        ),
    )
