"""Every AWS client, descgen's and the Lambdas', retries in botocore's standard mode within a written bound.

Clients are built as production builds them; building one makes no request.
"""

from __future__ import annotations

import boto3
from botocore.config import Config

from descgen.aws.clients import CLIENT_CONFIG, CONVERSE_CONFIG, make_clients
from descgen.contract.lambda_settings import lambda_client_options
from descgen.retrying import AWS_CALL_ATTEMPTS, LAMBDA_CALL_ATTEMPTS
from descgen.settings import Settings

# infra/lambdas.tf: the create_bedrock_job function's timeout, the shorter of the two.
CREATE_JOB_FUNCTION_TIMEOUT_SECONDS = 60


def settings() -> Settings:
    return Settings(database_url="sqlite://", bucket="b", topic_arn="t", queue_url="q", dlq_url="d")


def test_descgens_clients_retry_in_standard_mode_three_calls_at_most_with_timeouts():
    # GIVEN the clients a worker builds
    clients = make_clients(boto3.Session(region_name="us-east-1"), settings())
    # WHEN their configuration is read
    configs = {name: getattr(clients, name).meta.config for name in ("s3", "sns", "sqs", "bedrock")}
    # THEN each retries in standard mode (not legacy), at most three requests per call, and gives up on a stuck socket
    for config in configs.values():
        assert config.retries == {"mode": "standard", "total_max_attempts": 3}
        assert (config.connect_timeout, config.read_timeout) == (5.0, 30.0)
    assert AWS_CALL_ATTEMPTS == 3


def test_the_read_timeout_outlasts_the_longest_sqs_long_poll():
    assert CLIENT_CONFIG.read_timeout > 20  # a 20 s ReceiveMessage must not time out and be retried


def test_the_on_demand_runtime_client_never_sends_a_converse_twice_by_itself():
    # GIVEN the bedrock-runtime client a worker builds
    runtime = make_clients(boto3.Session(region_name="us-east-1"), settings()).bedrock_runtime
    # THEN botocore makes one request per call: a read timeout or a 5xx may come after Bedrock billed it
    assert runtime.meta.config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert CONVERSE_CONFIG.connect_timeout == 5.0
    assert CONVERSE_CONFIG.read_timeout >= 60  # a model writes for a while; a timeout would pay for nothing


def test_the_lambdas_clients_retry_in_standard_mode_and_give_up_within_the_function_timeout():
    # GIVEN the options both handlers build their clients with
    options = lambda_client_options()
    config = Config(**options)
    # THEN standard mode, three requests per call at most, and a stuck call cannot outlive the function
    assert config.retries == {"mode": "standard", "total_max_attempts": 3} == options["retries"]
    assert LAMBDA_CALL_ATTEMPTS == 3
    worst_backoff = 1 + 2  # botocore's standard backoff before retries 1 and 2: up to 2**(n-1) s
    worst_call = 3 * (config.connect_timeout + config.read_timeout) + worst_backoff
    assert worst_call < CREATE_JOB_FUNCTION_TIMEOUT_SECONDS


def test_each_lambda_client_gets_its_own_retries_dict():
    # botocore rewrites the dict it is given: two clients must not share one
    assert lambda_client_options()["retries"] is not lambda_client_options()["retries"]
