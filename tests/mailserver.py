"""A small SMTP server on 127.0.0.1 for tests: a real server on a real port that Django's SMTP backend (in this
process or in a worker process) talks to. It speaks what that backend uses of RFC 5321 (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT), keeps every message it accepted, answers 550 for the addresses in `refused`, can be
stopped (connections refused) and started again on the same port, and can hold its answer to the message for
one address until the test releases it: a sender killed while that message is on the wire never hears it was
accepted, and the message is not kept (the peer had gone when the answer was due)."""

from __future__ import annotations

import email
import socket
import socketserver
import threading
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.recipients: list[str] = []
        self._say("220 127.0.0.1 test ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            answer = getattr(self, f"_on_{command[:4].lower()}", None)
            if answer is None:
                self._say("502 command not implemented")
            elif answer(command) is False:  # the conversation is over
                return

    def _on_ehlo(self, command: str) -> None:
        self._say("250-127.0.0.1")
        self._say("250-8BITMIME")
        self._say("250 SMTPUTF8")

    def _on_helo(self, command: str) -> None:
        self._say("250 127.0.0.1")

    def _on_mail(self, command: str) -> None:
        self.recipients = []
        self._say("250 OK")

    def _on_rcpt(self, command: str) -> None:
        address = command.split(":", 1)[1].strip().strip("<>").split(">")[0].lower()
        if address in self.server.owner.refused:
            self._say("550 5.1.1 mailbox unavailable")
        else:
            self.recipients.append(address)
            self._say("250 OK")

    def _on_data(self, command: str) -> bool:
        self._say("354 end with <CRLF>.<CRLF>")
        kept = self._data(self.server.owner, self.recipients)
        self.recipients = []
        return kept

    def _on_rset(self, command: str) -> None:
        self.recipients = []
        self._say("250 OK")

    def _on_noop(self, command: str) -> None:
        self._say("250 OK")

    def _on_quit(self, command: str) -> bool:
        self._say("221 bye")
        return False

    def _data(self, server: SMTPServer, recipients: list[str]) -> bool:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return False
            if line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        message = email.message_from_bytes(b"".join(lines))
        if server.hold_for and server.hold_for in recipients and not server.held.is_set():
            server.held.set()
            server.release.wait(timeout=60)
            if self._peer_gone():
                return False
        server.accept(recipients, message)
        self._say("250 OK queued")
        return True

    def _peer_gone(self) -> bool:
        """Whether the client closed the connection (its process was killed) while the answer was held."""
        self.connection.setblocking(False)
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            self.connection.setblocking(True)


class _TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SMTPServer:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.refused: set[str] = set()
        self.hold_for: str | None = None
        self.held = threading.Event()  # set when the held message arrived
        self.release = threading.Event()
        self.port = 0
        self._lock = threading.Lock()
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SMTPServer:
        self._server = _TCPServer(("127.0.0.1", self.port), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="test-smtp", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Down: connections to its port are refused until `start()`."""
        if self._server is not None:
            self.release.set()
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def accept(self, recipients: list[str], message: Message) -> None:
        with self._lock:
            self.messages.append((list(recipients), message))

    def recipients(self) -> list[str]:
        """Every address a message was accepted for, once per message."""
        with self._lock:
            return [address for recipients, _ in self.messages for address in recipients]

    def settings(self) -> dict:
        """Django settings that send mail here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 5,
        }
