"""A chat webhook on 127.0.0.1 that checks what incidents send it: the body is JSON, and X-Advocacy-Signature is
the HMAC-SHA256 of the exact body with the shared secret (a wrong signature answers 401). Each test scripts the
answers (status, headers, or a silence longer than the client's timeout) and reads what arrived."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    signature_valid: bool

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class State:
    secret: str = ""
    answers: list = field(default_factory=list)  # (status, headers) or "hang"; then 200
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):  # noqa: N802 - the standard library's name
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        expected = "sha256=" + hmac.new(self.state.secret.encode(), body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers.get("X-Advocacy-Signature", ""))
        self.state.received.append(Received(self.path, dict(self.headers), body, valid))
        answer = self.state.answers.pop(0) if self.state.answers else (200, {})
        if answer == "hang":
            self.state.release.wait(5)  # longer than the client waits: it gives up first
            return
        status, headers = answer
        if not valid:
            status, headers = 401, {}
        payload = b"ok" if status < 300 else b"error"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class WebhookServer:
    def __init__(self):
        self.state = State()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/incidents"

    def start(self) -> WebhookServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.state.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self, secret: str) -> None:
        self.state.secret = secret
        self.state.answers.clear()
        self.state.received.clear()
        self.state.release.clear()
