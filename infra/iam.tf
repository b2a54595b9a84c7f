# =============================================================================
# IAM: each identity may do exactly what its code does
# =============================================================================
# Four identities: the two Lambda roles, the role Bedrock assumes to run a batch
# job, and the Prefect workers' role. The infra tests pin every grant below, so
# a widened policy fails CI until the test (and this comment) say why.

# Bedrock writes manifest.json.out beside each job's output (its own fixed name,
# descgen.contract.keys.MANIFEST_NAME); the monitor flow reads no other object there.
# create_bedrock_job leaves job-slot-wait.json (descgen.contract.keys.JOB_WAIT_NAME) in a
# batch's output folder when Bedrock refused its job request as a wait; monitor-jobs
# finds it, puts the batch back in line, and removes it.
locals {
  job_manifest_objects = "${aws_s3_bucket.this.arn}/${local.layout.output_prefix}*/manifest.json.out"
  job_wait_objects     = "${aws_s3_bucket.this.arn}/${local.layout.output_prefix}*/job-slot-wait.json"
}

# =============================================================================
# Lambda execution roles
# =============================================================================

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# -----------------------------------------------------------------------------
# create_bedrock_job
# -----------------------------------------------------------------------------

resource "aws_iam_role" "create_bedrock_job" {
  name               = local.function_names.create_bedrock_job
  description        = "create_bedrock_job Lambda: create batch jobs and pass them the batch role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "create_bedrock_job" {
  statement {
    sid       = "CreateBatchJobsOnTheConfiguredModels"
    actions   = ["bedrock:CreateModelInvocationJob"]
    resources = concat(local.bedrock_model_arns, [local.bedrock_job_arns])
  }

  # A repeated SNS delivery hits ConflictException on the job name; the handler
  # then finds the existing job by listing. The List action has no resource
  # level permissions: "*" is the only resource it accepts.
  statement {
    sid       = "FindTheJobOfARepeatedRequest"
    actions   = ["bedrock:ListModelInvocationJobs"]
    resources = ["*"]
  }

  statement {
    sid       = "MarkARequestThatWaitsForAJobSlot"
    actions   = ["s3:PutObject"]
    resources = [local.job_wait_objects]
  }

  statement {
    sid       = "PassTheBatchRoleToBedrockOnly"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.bedrock_batch.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["bedrock.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReportFailedInvocations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.lambda_failures.arn]
  }

  # The failures queue and the function's environment are encrypted with it.
  statement {
    sid       = "UseTheDeploymentKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }

  statement {
    sid       = "WriteItsOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this["create_bedrock_job"].arn}:*"]
  }
}

resource "aws_iam_role_policy" "create_bedrock_job" {
  name   = local.function_names.create_bedrock_job
  role   = aws_iam_role.create_bedrock_job.id
  policy = data.aws_iam_policy_document.create_bedrock_job.json
}

# -----------------------------------------------------------------------------
# parse_output
# -----------------------------------------------------------------------------

resource "aws_iam_role" "parse_output" {
  name               = local.function_names.parse_output
  description        = "parse_output Lambda: read batch outputs, send result pages"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "parse_output" {
  statement {
    sid       = "ReadBatchOutputs"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/${local.layout.output_prefix}*"]
  }

  statement {
    sid       = "SendResultPages"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.results.arn]
  }

  statement {
    sid       = "ReportFailedInvocations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.lambda_failures.arn]
  }

  # Outputs, both queues and the function's environment are encrypted with it.
  statement {
    sid       = "UseTheDeploymentKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }

  statement {
    sid       = "WriteItsOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this["parse_output"].arn}:*"]
  }
}

resource "aws_iam_role_policy" "parse_output" {
  name   = local.function_names.parse_output
  role   = aws_iam_role.parse_output.id
  policy = data.aws_iam_policy_document.parse_output.json
}

# =============================================================================
# Bedrock batch service role: assumed by Bedrock to run this account's jobs
# =============================================================================

data "aws_iam_policy_document" "bedrock_batch_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["bedrock.amazonaws.com"]
    }

    # Confused-deputy guard: only Bedrock jobs of this account and region.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.bedrock_job_arns]
    }
  }
}

resource "aws_iam_role" "bedrock_batch" {
  name               = local.extra_names.bedrock_batch_role
  description        = "Assumed by Bedrock batch inference: read inputs, write outputs"
  assume_role_policy = data.aws_iam_policy_document.bedrock_batch_assume.json
}

data "aws_iam_policy_document" "bedrock_batch" {
  statement {
    sid       = "ReadBatchInputs"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/${local.layout.input_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "WriteBatchOutputs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/${local.layout.output_prefix}*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "ListTheBucket"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceAccount"
      values   = [local.account_id]
    }
  }

  # The bucket is SSE-KMS: reading inputs decrypts, writing outputs encrypts.
  statement {
    sid       = "UseTheBucketKeyThroughS3"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.aws_region}.amazonaws.com"]
    }
  }

  # A job on a cross-region inference profile invokes the profile and its
  # models as this role; jobs on plain foundation models need no such grant.
  dynamic "statement" {
    for_each = length(local.bedrock_inference_profile_arns) > 0 ? [local.bedrock_inference_profile_arns] : []

    content {
      sid       = "InvokeModelsThroughInferenceProfiles"
      actions   = ["bedrock:InvokeModel"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "bedrock_batch" {
  name   = local.extra_names.bedrock_batch_role
  role   = aws_iam_role.bedrock_batch.id
  policy = data.aws_iam_policy_document.bedrock_batch.json
}

# =============================================================================
# Prefect workers: what the flows touch, nothing else
# =============================================================================
# generate-descriptions uploads inputs (multipart past 16 MB), publishes job
# requests and invokes models on demand for a remainder; monitor-jobs follows
# jobs, checks which batch files exist and reads manifests; drain-results and
# redrive-dlq receive, delete, peek at and move results. The infra tests derive
# the actions from the code (descgen/, flows/, tasks/) and fail on any drift.
#
# The policy is also an output: attach it to an identity of your own (an EKS
# pod role, a CI role) instead of assuming the role below.

data "aws_iam_policy_document" "prefect_worker" {
  # AbortMultipartUpload: the transfer manager cleans up a failed upload.
  statement {
    sid       = "WriteBatchInputs"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.this.arn}/${local.layout.input_prefix}*"]
  }

  statement {
    sid       = "ReadJobManifests"
    actions   = ["s3:GetObject"]
    resources = [local.job_manifest_objects]
  }

  statement {
    sid       = "TakeTheWaitMarkersOfRefusedJobRequests"
    actions   = ["s3:DeleteObject"]
    resources = [local.job_wait_objects]
  }

  # monitor-jobs lists the input and output prefixes to see whether a batch's
  # files exist, and a missing manifest must read as NoSuchKey, which S3 only
  # answers to callers who may list the bucket (AccessDenied otherwise). Keys
  # are batch and job ids: nothing the workers do not already know.
  statement {
    sid       = "ListBatchFiles"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]
  }

  statement {
    sid       = "PublishJobRequests"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.jobs.arn]
  }

  statement {
    sid       = "DrainResultsAndDeadLetters"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.results.arn, aws_sqs_queue.dlq.arn]
  }

  # redrive-dlq: a dry run peeks and puts messages back (visibility 0); a real
  # one starts SQS's own move task from the DLQ, or moves by receive/send/delete.
  statement {
    sid       = "PeekAtAndMoveDeadLetters"
    actions   = ["sqs:ChangeMessageVisibility", "sqs:StartMessageMoveTask"]
    resources = [aws_sqs_queue.dlq.arn]
  }

  statement {
    sid       = "RedriveDeadLettersToTheResultsQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.results.arn]
  }

  statement {
    sid       = "FollowBatchJobs"
    actions   = ["bedrock:GetModelInvocationJob"]
    resources = [local.bedrock_job_arns]
  }

  # Finding a job by name after a lost CreateModelInvocationJob answer. No
  # resource level permissions exist for the List action.
  statement {
    sid       = "ListBatchJobs"
    actions   = ["bedrock:ListModelInvocationJobs"]
    resources = ["*"]
  }

  # Converse is authorised as InvokeModel.
  statement {
    sid       = "InvokeTheConfiguredModelsOnDemand"
    actions   = ["bedrock:InvokeModel"]
    resources = local.bedrock_model_arns
  }

  # generate-descriptions asks Bedrock whether a model is still ACTIVE before it claims anything.
  statement {
    sid       = "CheckModelLifecycle"
    actions   = ["bedrock:GetFoundationModel", "bedrock:GetInferenceProfile"]
    resources = local.bedrock_model_arns
  }

  # monitor-jobs and drain-results send their metrics (descgen/metrics.py).
  # PutMetricData has no resource-level permissions ("*" is the only resource);
  # the cloudwatch:namespace condition keeps the workers to their deployment's
  # namespace (CloudWatch User Guide, "Using condition keys to limit access to
  # CloudWatch namespaces").
  statement {
    sid       = "SendTheFlowsMetricsToTheirNamespace"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [local.metrics_namespace]
    }
  }

  # Inputs, topic and queues are encrypted with the deployment key.
  statement {
    sid       = "UseTheDeploymentKeyThroughS3SnsAndSqs"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.aws_region}.amazonaws.com", "sns.${var.aws_region}.amazonaws.com", "sqs.${var.aws_region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "this" {
  name        = local.extra_names.prefect_worker
  description = "descgen Prefect workers: write inputs, publish jobs, drain results, follow jobs"
  policy      = data.aws_iam_policy_document.prefect_worker.json
}

data "aws_iam_policy_document" "prefect_worker_assume" {
  # Workloads of the listed services in this account (an ECS task role is only
  # ever assumed for this account's own tasks).
  dynamic "statement" {
    for_each = length(var.prefect_worker_service_principals) > 0 ? [var.prefect_worker_service_principals] : []

    content {
      sid     = "WorkerServicesAssumeTheRole"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.prefect_worker_principal_arns) > 0 ? [var.prefect_worker_principal_arns] : []

    content {
      sid     = "NamedPrincipalsAssumeTheRole"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }
}

resource "aws_iam_role" "prefect_worker" {
  name               = local.extra_names.prefect_worker
  description        = "descgen Prefect workers (ECS task role, or assumed by the listed principals)"
  assume_role_policy = data.aws_iam_policy_document.prefect_worker_assume.json

  lifecycle {
    precondition {
      condition     = length(var.prefect_worker_service_principals) + length(var.prefect_worker_principal_arns) > 0
      error_message = "Set prefect_worker_service_principals or prefect_worker_principal_arns: someone must be able to assume the worker role."
    }
  }
}

resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.prefect_worker.name
  policy_arn = aws_iam_policy.this.arn
}
