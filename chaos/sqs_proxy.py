"""An HTTP proxy in front of moto's SQS: the results queue's ledger, and its batch-call faults.

The parse Lambda and every drain process reach SQS through it (their SQS endpoint
override), so it sees each message of the results queue from both ends:

- sent: the message ids SQS accepted from ``SendMessageBatch`` / ``SendMessage``;
- deleted: the message ids whose receipt handle (learnt from ``ReceiveMessage``) a
  ``DeleteMessageBatch`` / ``DeleteMessage`` deleted. The drain must delete a message only
  once its rows are committed, so deleted = applied; ``check_deleted`` (the driver's
  look at the database, given the deleted messages' bodies) says where that did not hold.

What the proxy sees is what happened on the wire, so a killed process cannot hide a
send it made before it died. While a failure rate is set, that share of
``SendMessageBatch`` and ``DeleteMessageBatch`` calls fails as SQS fails them: the
whole call answers HTTP 500 (botocore's retries see it), or some entries come back in
``Failed`` (never forwarded) while the rest go through (``descgen.contract.sqs_batches``
retries those). Only the JSON protocol that current botocore speaks to SQS is understood;
any other request is forwarded untouched.
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

TARGET_PREFIX = "AmazonSQS."
WHOLE_CALL_SHARE = 0.3  # of the failed calls: the rest fail some entries only
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class Ledger:
    """The results queue's messages by id, as seen on the wire."""

    sent: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    handles: dict[str, str] = field(default_factory=dict)  # receipt handle -> message id
    bodies: dict[str, str] = field(default_factory=dict)  # message id -> body, as received
    deleted_unapplied: list[str] = field(default_factory=list)  # what check_deleted found
    deletes_unchecked: int = 0  # deletes check_deleted could not look at (the database was restarting)
    faults: Counter[str] = field(default_factory=Counter)  # injected failures by kind


class SqsFaultProxy:
    def __init__(
        self,
        upstream_url: str,
        queue_name: str,
        rng: random.Random,
        check_deleted: Callable[[list[str]], list[str]] | None = None,
    ) -> None:
        parts = urlsplit(upstream_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._queue_name = queue_name
        self._rng = rng
        self.check_deleted = check_deleted
        self._lock = threading.Lock()
        self._rates = {"SendMessageBatch": 0.0, "DeleteMessageBatch": 0.0}
        self.ledger = Ledger()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="sqs-fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SqsFaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def set_failure_rates(self, *, send: float, delete: float) -> None:
        with self._lock:
            self._rates = {"SendMessageBatch": send, "DeleteMessageBatch": delete}

    def snapshot(self) -> tuple[set[str], set[str]]:
        """(sent, deleted) message ids so far."""
        with self._lock:
            return set(self.ledger.sent), set(self.ledger.deleted)

    # ------------------------------------------------------------------ one request

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        action = headers.get("x-amz-target", "").removeprefix(TARGET_PREFIX)
        request = _json(body) if action else {}
        if not str(request.get("QueueUrl", "")).endswith("/" + self._queue_name):
            return self._forward(method, path, headers, body)
        if action in self._rates:
            return self._batch_call(action, method, path, headers, request)
        status, reply_headers, reply = self._forward(method, path, headers, body)
        if status == 200:
            self._record(action, request, _json(reply))
        return status, reply_headers, reply

    def _batch_call(
        self, action: str, method: str, path: str, headers: dict[str, str], request: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes]:
        entries = list(request.get("Entries", []))
        with self._lock:
            fail = self._rng.random() < self._rates[action]
            whole = fail and self._rng.random() < WHOLE_CALL_SHARE
            refused = {entry["Id"] for entry in entries if fail and not whole and self._rng.random() < 0.5}
            if fail and not whole and not refused and entries:
                refused = {self._rng.choice(entries)["Id"]}
        if whole:
            self._count(f"{action} call")
            error = {"__type": "com.amazonaws.sqs#InternalError", "message": "chaos: injected failure"}
            return 500, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(error).encode()
        passed = [entry for entry in entries if entry["Id"] not in refused]
        reply: dict[str, Any] = {"Successful": [], "Failed": []}
        status, reply_headers = 200, {"Content-Type": "application/x-amz-json-1.0"}
        if passed:
            body = json.dumps({**request, "Entries": passed}).encode()
            status, reply_headers, raw = self._forward(method, path, headers, body)
            if status != 200:
                return status, reply_headers, raw
            reply = _json(raw)
            reply.setdefault("Successful", [])
            reply.setdefault("Failed", [])
        for entry_id in sorted(refused):
            self._count(f"{action} entry")
            reply["Failed"].append(
                {"Id": entry_id, "SenderFault": False, "Code": "InternalError", "Message": "chaos: injected failure"}
            )
        self._record(action, {**request, "Entries": passed}, reply)
        return status, reply_headers, json.dumps(reply).encode()

    def _record(self, action: str, request: dict[str, Any], reply: dict[str, Any]) -> None:
        deleted = self._record_on_the_ledger(action, request, reply)
        if deleted and self.check_deleted is not None:
            try:
                problems = self.check_deleted(deleted)
            except Exception:  # the database was restarting: this delete goes unchecked
                with self._lock:
                    self.ledger.deletes_unchecked += 1
                return
            with self._lock:
                self.ledger.deleted_unapplied.extend(problems)

    def _record_on_the_ledger(self, action: str, request: dict[str, Any], reply: dict[str, Any]) -> list[str]:
        """The ledger's lines for one call; the bodies of the messages it deleted."""
        with self._lock:
            ledger = self.ledger
            if action == "SendMessageBatch":
                ledger.sent.update(entry["MessageId"] for entry in reply.get("Successful", []))
            elif action == "SendMessage":
                ledger.sent.add(reply["MessageId"])
            elif action == "ReceiveMessage":
                for message in reply.get("Messages", []):
                    ledger.handles[message["ReceiptHandle"]] = message["MessageId"]
                    ledger.bodies[message["MessageId"]] = message["Body"]
            handles = []
            if action == "DeleteMessageBatch":
                by_entry = {entry["Id"]: entry["ReceiptHandle"] for entry in request.get("Entries", [])}
                handles = [by_entry[entry["Id"]] for entry in reply.get("Successful", [])]
            elif action == "DeleteMessage":
                handles = [request["ReceiptHandle"]]
            message_ids = [ledger.handles.get(handle, "unknown receipt handle") for handle in handles]
            ledger.deleted.update(message_ids)
            return [ledger.bodies[message_id] for message_id in message_ids if message_id in ledger.bodies]

    def _count(self, kind: str) -> None:
        with self._lock:
            self.ledger.faults[kind] += 1

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(*self._upstream, timeout=60)
        try:
            sent = {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP}
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = response.read()
            kept = {name: value for name, value in response.getheaders() if name.lower() not in HOP_BY_HOP}
            return response.status, kept, reply
        finally:
            connection.close()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed client hangs up: not news
            super().handle_error(request, client_address)


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _handler_for(proxy: SqsFaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, reply_headers, reply = proxy.handle(self.command, self.path, headers, body)
            self.send_response(status)
            for name, value in reply_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a request line per call would drown the run's report

    return Handler
