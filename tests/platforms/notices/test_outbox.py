"""The outbox: receipt and decision queued with the notice and decision, sent to a
folder and to a local SMTP test server (aiosmtpd, never a real one); failures stay."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.platforms.notices.conftest import (
    ADMIN,
    MODERATOR,
    NO_ACTION,
    PUBLIC,
    REMOVE_ILLEGAL,
    notice_form,
)
from zicht.platforms.notices import FileSender, SmtpSender, decide, deliver_outbox, file_notice
from zicht.privacy import Cipher
from zicht.store.notices import OutboxRow


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _outbox(engine: Engine) -> list[OutboxRow]:
    with Session(engine) as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def test_receipt_and_decision_reach_a_folder(
    tenants: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    with_contact = file_notice(tenants, cipher, PUBLIC, notice_form(language="en"))
    without = file_notice(tenants, cipher, PUBLIC, notice_form(name=None, email=None))
    decide(tenants, cipher, MODERATOR, with_contact.notice_id, NO_ACTION)
    decide(tenants, cipher, MODERATOR, without.notice_id, REMOVE_ILLEGAL)
    assert [m.kind for m in _outbox(tenants)] == ["receipt", "decision"]
    sent, failed = deliver_outbox(tenants, cipher, ADMIN, FileSender(tmp_path), "dsa@kinky.example")
    assert (sent, failed) == (2, 0)
    files = sorted(tmp_path.glob("*.eml"))
    messages = [email.message_from_bytes(path.read_bytes()) for path in files]
    assert [m["To"] for m in messages] == ["jan.melder@example.org"] * 2
    assert messages[0]["Subject"] == "Notice received"
    body = messages[1].get_payload()
    assert with_contact.reference in body and "did not take action" in body
    assert "No automated means were used." in body
    assert all(m.sent_at is not None for m in _outbox(tenants))
    assert deliver_outbox(tenants, cipher, ADMIN, FileSender(tmp_path), "x@kinky.example") == (0, 0)


def test_smtp_delivery_and_a_failure_that_stays_queued(
    tenants: Engine, cipher: Cipher, smtp_server: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_server
    receipt = file_notice(tenants, cipher, PUBLIC, notice_form())
    closed = SmtpSender("127.0.0.1", _free_port(), timeout=2)
    assert deliver_outbox(tenants, cipher, ADMIN, closed, "dsa@kinky.example") == (0, 1)
    (message,) = _outbox(tenants)
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error == "ConnectionRefusedError"
    sender = SmtpSender("127.0.0.1", port)
    assert deliver_outbox(tenants, cipher, ADMIN, sender, "dsa@kinky.example") == (1, 0)
    ((recipients, content),) = inbox.messages
    assert recipients == ["jan.melder@example.org"]
    parsed = email.message_from_bytes(content)
    assert parsed["Subject"] == "Melding ontvangen" and receipt.reference in parsed.get_payload()
