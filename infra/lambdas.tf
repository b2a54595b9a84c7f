# =============================================================================
# Lambda functions
# =============================================================================
# Each zip holds handler.py at its root plus the shared descgen/contract
# package, built by infra/package_lambdas.py (deterministic, so the hash below
# changes only when the code does). boto3 comes from the runtime: no layers.
#
# The environment holds every variable the handler's Settings dataclass reads
# (the infra tests compare the two), except the *_ENDPOINT_URL overrides, which
# exist for the local emulators only: in AWS the SDK's default endpoints apply.

# -----------------------------------------------------------------------------
# create_bedrock_job: one SNS job request -> CreateModelInvocationJob
# -----------------------------------------------------------------------------

resource "aws_lambda_function" "create_bedrock_job" {
  #checkov:skip=CKV_AWS_50:One or two Bedrock control-plane calls per invocation; logs, Lambda metrics, the error-rate alarm and the failures queue cover diagnosis, and active tracing would need xray:Put* on "*" in the role.
  #checkov:skip=CKV_AWS_115:Invoked once per batch (one SNS message per Bedrock job), so concurrency is bounded by the job count; reserved concurrency is taken from the account pool and cannot be set on new accounts limited to 10.
  #checkov:skip=CKV_AWS_116:Failed async invocations go to the lambda-failures queue through the on-failure destination below, which records the error and request context that a DLQ would drop.
  #checkov:skip=CKV_AWS_117:Calls only the regional Bedrock API and reaches no private resource; a VPC would need NAT or interface endpoints and protect no data path.
  #checkov:skip=CKV_AWS_272:The zip is built from this repository by infra/package_lambdas.py in the pipeline that applies Terraform and pinned by source_code_hash; a Signer profile would add a signing step, not a trust boundary.
  function_name = local.function_names.create_bedrock_job
  description   = "SNS job request -> Bedrock batch inference job"
  role          = aws_iam_role.create_bedrock_job.arn

  runtime          = local.lambda_runtime
  architectures    = [local.lambda_architecture]
  handler          = "handler.lambda_handler"
  filename         = "${local.lambda_package_dir}/create_bedrock_job.zip"
  source_code_hash = filebase64sha256("${local.lambda_package_dir}/create_bedrock_job.zip")

  # One API call (two on a ConflictException retry): most of the time is the
  # cold start importing boto3, which 256 MB makes about twice as fast as 128.
  memory_size = 256
  timeout     = 60

  kms_key_arn = aws_kms_key.this.arn

  environment {
    variables = {
      DESCGEN_BEDROCK_ROLE_ARN  = aws_iam_role.bedrock_batch.arn
      DESCGEN_BUCKET            = aws_s3_bucket.this.id
      DESCGEN_INPUT_PREFIX      = local.layout.input_prefix
      DESCGEN_OUTPUT_PREFIX     = local.layout.output_prefix
      DESCGEN_JOB_TIMEOUT_HOURS = var.job_timeout_hours
      LOG_LEVEL                 = var.log_level
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this["create_bedrock_job"].name
  }
}

resource "aws_lambda_function_event_invoke_config" "create_bedrock_job" {
  function_name                = aws_lambda_function.create_bedrock_job.function_name
  maximum_retry_attempts       = local.layout.lambda_async.maximum_retry_attempts
  maximum_event_age_in_seconds = local.layout.lambda_async.maximum_event_age_in_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.lambda_failures.arn
    }
  }

  # Lambda checks that the role may send to the destination when it is saved.
  depends_on = [aws_iam_role_policy.create_bedrock_job]
}

# -----------------------------------------------------------------------------
# parse_output: one Bedrock output file -> pages of results in SQS
# -----------------------------------------------------------------------------

resource "aws_lambda_function" "parse_output" {
  #checkov:skip=CKV_AWS_50:Two AWS APIs (S3 GetObject, SQS SendMessageBatch) whose counts the function logs per file; Lambda metrics, the error-rate alarm and the failures queue cover diagnosis, and active tracing would need xray:Put* on "*" in the role.
  #checkov:skip=CKV_AWS_115:Invoked once per output file, i.e. once per Bedrock job, so concurrency is bounded by the job count; reserved concurrency is taken from the account pool and cannot be set on new accounts limited to 10.
  #checkov:skip=CKV_AWS_116:Failed async invocations go to the lambda-failures queue through the on-failure destination below, which records the error and request context that a DLQ would drop.
  #checkov:skip=CKV_AWS_117:Calls only the regional S3 and SQS APIs and reaches no private resource; a VPC would need NAT or interface endpoints and protect no data path.
  #checkov:skip=CKV_AWS_272:The zip is built from this repository by infra/package_lambdas.py in the pipeline that applies Terraform and pinned by source_code_hash; a Signer profile would add a signing step, not a trust boundary.
  function_name = local.function_names.parse_output
  description   = "Bedrock batch output file in S3 -> result pages in SQS"
  role          = aws_iam_role.parse_output.arn

  runtime          = local.lambda_runtime
  architectures    = [local.lambda_architecture]
  handler          = "handler.lambda_handler"
  filename         = "${local.lambda_package_dir}/parse_output.zip"
  source_code_hash = filebase64sha256("${local.lambda_package_dir}/parse_output.zip")

  # Sized for a 50,000-record output (~100 MB; a 1 GB input quota allows ~10x):
  # - memory does not grow with the file: it is streamed in 256 KB chunks and
  #   results leave in pages, so the peak is boto3 plus a few MB of pages;
  # - the work is CPU-bound JSON decoding and marker matching on one thread,
  #   and Lambda gives one full vCPU at 1,769 MB. More memory buys no speed,
  #   less slows it down in proportion at the same GB-second cost.
  # - ~100 MB takes well under a minute: seconds of decoding at one vCPU, the
  #   S3 read, and ~400 SendMessageBatch calls (256 KB of results per request).
  #   900 s (the maximum) leaves room for the 10x file and SQS throttling
  #   retries: a timeout would parse the whole file again on retry, which the
  #   idempotent drain absorbs, but it costs time and money.
  memory_size = 1769
  timeout     = 900

  kms_key_arn = aws_kms_key.this.arn

  environment {
    variables = {
      DESCGEN_QUEUE_URL         = aws_sqs_queue.results.url
      DESCGEN_OUTPUT_PREFIX     = local.layout.output_prefix
      DESCGEN_PAGE_SIZE         = var.page_size
      DESCGEN_MAX_MESSAGE_BYTES = local.layout.queue.max_message_size
      LOG_LEVEL                 = var.log_level
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this["parse_output"].name
  }
}

resource "aws_lambda_function_event_invoke_config" "parse_output" {
  function_name                = aws_lambda_function.parse_output.function_name
  maximum_retry_attempts       = local.layout.lambda_async.maximum_retry_attempts
  maximum_event_age_in_seconds = local.layout.lambda_async.maximum_event_age_in_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.lambda_failures.arn
    }
  }

  # Lambda checks that the role may send to the destination when it is saved.
  depends_on = [aws_iam_role_policy.parse_output]
}

# =============================================================================
# Log groups: created here (not by Lambda on first run) so retention and
# encryption apply from the first line and terraform destroy removes them.
# =============================================================================

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
}
