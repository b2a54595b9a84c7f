"""Approved versions as files: the JSON Lines publisher of the outbox, and the writers of
``export`` (JSON Lines, Shopify's product CSV).

Every line of every JSON Lines file is one delivery's payload, the same JSON the webhook
POSTs (``Delivery.payload``), so a consumer reads both the same way.

**Shopify's product CSV** has the columns Handle, Title, Body (HTML), SEO Title and SEO
Description, one row per product. The Handle is the product's id in the store's catalog
(the import reads a Shopify export's Handle as that id). A Shopify store has one
language, so there is one file per language: import the one of the store's language;
the others are for the stores (or translation apps) that serve those languages. Title is
the catalog's title, unchanged: an update by CSV needs Handle and Title. An empty SEO
cell is a version without that meta field.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

from descgen.publishing.delivery import Delivery, DeliveryFailed

SHOPIFY_COLUMNS = ("Handle", "Title", "Body (HTML)", "SEO Title", "SEO Description")


def jsonl_line(delivery: Delivery) -> str:
    return json.dumps(delivery.payload(), ensure_ascii=False, separators=(",", ":")) + "\n"


def shopify_row(delivery: Delivery) -> tuple[str, str, str, str, str]:
    return (
        delivery.product,
        delivery.title,
        delivery.html,
        delivery.meta_title or "",
        delivery.meta_description or "",
    )


class FilePublisher:
    """Appends each delivery to ``<directory>/<store>/deliveries-<run start>.jsonl``: one file
    per store and run, so a run's file is what that run sent. Each line is on disk (fsync)
    before the delivery counts, so a delivery recorded is never lost to a crash."""

    def __init__(self, directory: Path, started: datetime) -> None:
        self._directory = directory
        self._name = f"deliveries-{started:%Y%m%dT%H%M%S%fZ}.jsonl"
        self.paths: set[Path] = set()  # the files this run wrote to

    def send(self, delivery: Delivery) -> None:
        path = self._directory / delivery.store / self._name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as file:
                file.write(jsonl_line(delivery))
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            raise DeliveryFailed(f"cannot write {path}: {error.strerror or error}") from None
        self.paths.add(path)


def write_jsonl(deliveries: Iterable[Delivery], path: Path) -> int:
    """The deliveries as one JSON Lines file (replaced whole, never seen half written); how many."""
    count = 0
    with _replacing(path) as file:
        for delivery in deliveries:
            file.write(jsonl_line(delivery))
            count += 1
    return count


def write_shopify_csv(deliveries: Iterable[Delivery], directory: Path, stem: str) -> list[Path]:
    """One Shopify product CSV per language, ``<stem>-<language>.csv``; the deliveries come
    grouped by language (each file is written in one pass, memory stays flat)."""
    paths: list[Path] = []
    rows = iter(deliveries)
    delivery = next(rows, None)
    while delivery is not None:
        language = delivery.language
        path = directory / f"{stem}-{language}.csv"
        if path in paths:
            raise ValueError(f"deliveries of language {language} are not grouped together")
        with _replacing(path) as file:
            writer = csv.writer(file, lineterminator="\n")  # Shopify asks for UTF-8 with LF line ends
            writer.writerow(SHOPIFY_COLUMNS)
            while delivery is not None and delivery.language == language:
                writer.writerow(shopify_row(delivery))
                delivery = next(rows, None)
        paths.append(path)
    return paths


@contextmanager
def _replacing(path: Path) -> Iterator[IO[str]]:
    """A text file written beside ``path`` and renamed over it once complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as file:
            yield file
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
