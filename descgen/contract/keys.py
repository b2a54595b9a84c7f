"""S3 keys and URIs of the batch files.

``input/<batchId>.jsonl`` goes in; Bedrock writes
``output/<batchId>/<jobId>/<batchId>.jsonl.out`` and ``.../manifest.json.out``
because the job's output URI is ``s3://BUCKET/output/<batchId>/``. The prefixes
come from settings; the suffixes are Bedrock's own naming.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_plus

INPUT_SUFFIX = ".jsonl"
OUTPUT_SUFFIX = ".jsonl.out"
MANIFEST_NAME = "manifest.json.out"
# Left by create_bedrock_job when Bedrock refused a job request as a wait (no free job slot,
# throttling): monitor-jobs then puts the batch back in line without counting the request.
JOB_WAIT_NAME = "job-slot-wait.json"


def input_key(input_prefix: str, batch_id: str) -> str:
    return f"{input_prefix}{batch_id}{INPUT_SUFFIX}"


def output_folder(output_prefix: str, batch_id: str) -> str:
    return f"{output_prefix}{batch_id}/"


def manifest_key(output_prefix: str, batch_id: str, job_id: str) -> str:
    return f"{output_folder(output_prefix, batch_id)}{job_id}/{MANIFEST_NAME}"


def job_wait_key(output_prefix: str, batch_id: str) -> str:
    return f"{output_folder(output_prefix, batch_id)}{JOB_WAIT_NAME}"


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/key`` -> ("bucket", "some/key")."""
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise ValueError(f"{uri!r} is not an s3://bucket/key URI")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def job_id_from_arn(job_arn: str) -> str:
    """``arn:aws:bedrock:REGION:ACCOUNT:model-invocation-job/abc123`` -> ``abc123``."""
    return job_arn.rsplit("/", 1)[-1]


def object_key_from_event(raw_key: str) -> str:
    """S3 event notifications URL-encode keys (a space arrives as ``+``)."""
    return unquote_plus(raw_key)


@dataclass(frozen=True)
class OutputObject:
    batch_id: str
    job_id: str


def parse_output_key(output_prefix: str, key: str) -> OutputObject | None:
    """The batch and job an output key belongs to, or None if it is not a job's output file."""
    if not key.startswith(output_prefix) or not key.endswith(OUTPUT_SUFFIX):
        return None
    parts = key[len(output_prefix) :].split("/")
    if len(parts) != 3:
        return None
    batch_id, job_id, file_name = parts
    if not batch_id or not job_id or file_name != f"{batch_id}{OUTPUT_SUFFIX}":
        return None
    return OutputObject(batch_id=batch_id, job_id=job_id)
