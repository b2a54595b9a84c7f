"""Streaming a JSONL file to S3 without holding it in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from boto3.s3.transfer import TransferConfig

# 16 MiB parts, two at a time: a 1 GB input file costs ~32 MiB of memory.
UPLOAD_CONFIG = TransferConfig(
    multipart_threshold=16 * 1024 * 1024, multipart_chunksize=16 * 1024 * 1024, max_concurrency=2
)


class ChunkReader(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (what ``upload_fileobj`` wants)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def upload_lines(s3: Any, bucket: str, key: str, lines: Iterable[bytes]) -> None:
    reader = io.BufferedReader(ChunkReader(lines), buffer_size=1024 * 1024)
    s3.upload_fileobj(reader, bucket, key, ExtraArgs={"ContentType": "application/jsonl"}, Config=UPLOAD_CONFIG)
