"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives, and can be
told to refuse recipients or hang up, so retries run for real."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                return payload.decode(part.get_content_charset() or "utf-8")
        raise AssertionError(f"no {content_type} part in {self.subject!r}")

    @property
    def text(self) -> str:
        return self.part("text/plain")


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)
    refuse_recipients: set[str] = field(default_factory=set)
    refuse_all: bool = False  # answer 421 (temporary) to every message, like a server in trouble

    def clear(self) -> None:
        self.messages.clear()
        self.refuse_recipients.clear()
        self.refuse_all = False

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[Any],
    ) -> str:
        if address in self.refuse_recipients:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_all:
            return "421 4.3.0 try again later"
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append(
            Received(
                str(envelope.mail_from), list(envelope.rcpt_tos), email.message_from_bytes(raw)
            )
        )
        return "250 Message accepted"


def start_smtp_server() -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox
