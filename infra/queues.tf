# =============================================================================
# Results: parse_output sends pages of results, the drain flow receives them
# =============================================================================
# Figures come from descgen/aws_layout.json (ARCHITECTURE.md, "Queues and
# failures"): long polling 20 s, visibility 120 s (one drain page), 4 days'
# retention, redrive to the dead-letter queue after 2 receives.

resource "aws_sqs_queue" "results" {
  name                       = local.names.queue
  receive_wait_time_seconds  = local.layout.queue.receive_wait_time_seconds
  visibility_timeout_seconds = local.layout.queue.visibility_timeout_seconds
  message_retention_seconds  = local.layout.queue.message_retention_seconds
  max_message_size           = local.layout.queue.max_message_size

  kms_master_key_id = aws_kms_key.this.arn
  # Each producer and consumer asks KMS for a data key at most once an hour
  # instead of every 5 minutes: thousands of result pages, a handful of calls.
  kms_data_key_reuse_period_seconds = 3600

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = local.layout.dlq.max_receive_count
  })
}

# =============================================================================
# Dead letters: results the drain could not apply twice
# =============================================================================

resource "aws_sqs_queue" "dlq" {
  name                      = local.names.dlq
  receive_wait_time_seconds = local.layout.queue.receive_wait_time_seconds
  message_retention_seconds = local.layout.dlq.message_retention_seconds

  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 3600
}

# Only the results queue may dead-letter into it.
resource "aws_sqs_queue_redrive_allow_policy" "this" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.results.arn]
  })
}

# =============================================================================
# Lambda failures: async invocations that failed after their retries, and job
# requests SNS could not deliver. Nothing fails silently; an alarm watches it.
# =============================================================================

resource "aws_sqs_queue" "lambda_failures" {
  name                      = local.names.lambda_failures_queue
  message_retention_seconds = local.layout.dlq.message_retention_seconds

  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 3600
}

data "aws_iam_policy_document" "lambda_failures_queue" {
  statement {
    sid       = "JobsTopicDeadLettersUndeliverableRequests"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.lambda_failures.arn]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.jobs_topic_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.lambda_failures.id
  policy    = data.aws_iam_policy_document.lambda_failures_queue.json
}
