"""A shop's webhook receiver, as its developers would write it from descgen's documentation
(``descgen/publishing/webhook.py``): a real HTTP server on 127.0.0.1 that checks the
signature on its own (no descgen code), refuses stale timestamps, and applies each
idempotency key once. It can be told to answer errors first.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 300


@dataclass
class Receiver:
    secret: bytes
    url: str = ""
    errors_first: list[int] = field(default_factory=list)  # statuses to answer before taking anything
    requests: list[tuple[str, int]] = field(default_factory=list)  # (idempotency key, status answered), in order
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> payload, applied once
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: Any, body: bytes) -> int:
        key = headers.get("Idempotency-Key", "")
        timestamp = headers.get("X-Descgen-Timestamp", "")
        expected = "sha256=" + hmac.new(self.secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        with self.lock:
            if not hmac.compare_digest(headers.get("X-Descgen-Signature", ""), expected):
                status = 401
            elif not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
                status = 401  # a replay of an old request
            elif not key or json.loads(body)["idempotency_key"] != key:
                status = 400
            elif self.errors_first:
                status = self.errors_first.pop(0)
            else:
                status = 200
                self.applied.setdefault(key, json.loads(body))  # a key seen before is not applied again
            self.requests.append((key, status))
        return status

    def keys_received(self) -> list[str]:
        return [key for key, status in self.requests if status == 200]


@contextmanager
def running(secret: bytes) -> Iterator[Receiver]:
    """The receiver on 127.0.0.1 (a free port), stopped when the block ends."""
    receiver = Receiver(secret)

    class Handler(BaseHTTPRequestHandler):
        timeout = 5  # a stuck client cannot hold the server

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.answer(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/descgen"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
