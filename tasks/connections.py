"""The database engine and AWS clients a worker process uses, built once.

Credentials: a prefect-aws ``AwsCredentials`` block when settings name one,
otherwise boto3's default chain (or the emulators' keys from settings).
"""

from __future__ import annotations

from functools import lru_cache

from prefect_aws import AwsCredentials
from sqlalchemy import Engine

from descgen.aws.clients import AwsClients, make_clients, session_from_settings
from descgen.db.session import make_engine
from descgen.settings import DatabaseSettings, get_settings


@lru_cache
def engine() -> Engine:
    """The database: all it needs is ``DESCGEN_DATABASE_URL`` (review, publish and prune
    runs have no AWS location to read)."""
    return make_engine(DatabaseSettings().database_url)


@lru_cache
def aws() -> AwsClients:
    settings = get_settings()
    if settings.aws_credentials_block:
        session = AwsCredentials.load(settings.aws_credentials_block).get_boto3_session()  # type: ignore[union-attr]  # load() is sync-compatible: called outside an event loop it returns the block, not a coroutine
    else:
        session = session_from_settings(settings)
    return make_clients(session, settings)
