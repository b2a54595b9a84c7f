"""Uploading a batch's input file to S3 in parts, with bounded memory."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from boto3.s3.transfer import TransferConfig

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# 16 MiB parts, two at a time: a 1 GB input file costs ~32 MiB of memory.
UPLOAD_CONFIG = TransferConfig(
    multipart_threshold=16 * 1024 * 1024, multipart_chunksize=16 * 1024 * 1024, max_concurrency=2
)


def upload_file(s3: S3Client, bucket: str, key: str, file: IO[bytes]) -> None:
    s3.upload_fileobj(file, bucket, key, ExtraArgs={"ContentType": "application/jsonl"}, Config=UPLOAD_CONFIG)
