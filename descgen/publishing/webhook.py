"""The signed JSON webhook publisher: one POST per delivery, to the store's URL.

What a receiver gets::

    POST <the store's url>
    Content-Type: application/json
    Idempotency-Key: descgen:<store>:<version id>   the same on every delivery of one version
    X-Descgen-Timestamp: <unix seconds>             when this attempt was signed
    X-Descgen-Signature: sha256=<hex>               HMAC-SHA256, keyed with the store's secret,
                                                    of "<timestamp>.<raw body>"

    {"schema_version": 1, "idempotency_key": ..., "store": ..., "product": ..., "language": ...,
     "version": ..., "html": ..., "meta_title": ..., "meta_description": ..., "approved_at": ...,
     "reviewer": ...}

How a receiver checks it: recompute the HMAC over the timestamp header, a dot and the
raw body bytes (before parsing the JSON), compare in constant time, and refuse a
timestamp more than a few minutes from its clock. The timestamp is inside the signed
material, so it cannot be changed without breaking the signature, and a captured
request cannot be replayed once it is old. Delivery is at least once: the receiver
applies each ``Idempotency-Key`` once and answers 2xx to a key it already applied.

A 2xx answer is a delivery. Anything else is a failed attempt, retried later: another
status, a redirect (not followed: a body must not be re-sent somewhere else), a
timeout, a refused connection.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request
from collections.abc import Callable, Mapping
from http.client import HTTPException
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from descgen.publishing.delivery import Delivery, DeliveryFailed

SIGNATURE_HEADER = "X-Descgen-Signature"
TIMESTAMP_HEADER = "X-Descgen-Timestamp"


class WebhookTarget(BaseModel):
    """Where one store's approved versions are POSTed, and the secret they are signed with."""

    model_config = ConfigDict(frozen=True)

    url: str = Field(pattern=r"^https?://\S+$", description="the shop's endpoint (https in production)")
    secret: SecretStr = Field(min_length=16, description="shared with the shop, which checks signatures with it")


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-Descgen-Signature`` value for a body sent at ``timestamp``."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx surfaces as an HTTPError: a failed attempt


class WebhookPublisher:
    """Sends each delivery to its store's target; stores without one fail (the relay offers none)."""

    def __init__(
        self,
        targets: Mapping[str, WebhookTarget],
        timeout_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._targets = dict(targets)
        self._timeout = timeout_seconds
        self._clock = clock
        self._opener = urllib.request.build_opener(_NoRedirects)

    def send(self, delivery: Delivery) -> None:
        target = self._targets.get(delivery.store)
        if target is None:
            raise DeliveryFailed(f"no webhook is configured for store {delivery.store}")
        body = json.dumps(delivery.payload(), ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(self._clock()))
        request = urllib.request.Request(  # noqa: S310  # the scheme is http(s), checked by WebhookTarget
            target.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": delivery.idempotency_key,
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: signature(target.secret.get_secret_value().encode(), timestamp, body),
            },
        )
        host = urlsplit(target.url).netloc  # never the whole URL in an error: it may carry a token
        try:
            with self._opener.open(request, timeout=self._timeout):
                return  # urllib answers only 2xx here; anything else raised
        except HTTPError as error:
            raise DeliveryFailed(f"{host} answered HTTP {error.code} {error.reason}{_said(error)}") from None
        except TimeoutError:
            raise DeliveryFailed(f"{host} did not answer within {self._timeout:g}s") from None
        except (URLError, HTTPException, OSError) as error:
            reason = error.reason if isinstance(error, URLError) else error
            raise DeliveryFailed(f"cannot deliver to {host}: {reason or type(error).__name__}") from None


def _said(error: HTTPError) -> str:
    """The start of an error answer's body (a receiver says why it refused), if it can be read."""
    try:
        with error:
            said = error.read(200).decode("utf-8", "replace").strip()
    except (OSError, HTTPException):
        return ""
    return f": {said}" if said else ""
