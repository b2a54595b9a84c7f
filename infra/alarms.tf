# =============================================================================
# Alerts topic: every alarm and job failure below publishes here
# =============================================================================

resource "aws_sns_topic" "alerts" {
  name              = local.names.alerts_topic
  kms_master_key_id = aws_kms_key.this.arn
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "ThisDeploymentsAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arns]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "TheJobFailureRulePublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.this.arn]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

resource "aws_sns_topic_subscription" "alert_email" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

# =============================================================================
# Queues
# =============================================================================

# The drain flow reports DLQ depth every run and fails past its own threshold
# (dlq_alert_threshold); this alarm pages even when no flow runs.
resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  alarm_name        = "${local.names.dlq}-depth"
  alarm_description = "More than ${var.dlq_alarm_threshold} results could not be applied: inspect ${local.names.dlq}, fix the cause, redrive."

  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.dlq_alarm_threshold
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.alerts.arn]
  ok_actions    = [aws_sns_topic.alerts.arn]
}

# One message here is one lost job request or output file: page at the first.
resource "aws_cloudwatch_metric_alarm" "lambda_failures" {
  alarm_name        = "${local.names.lambda_failures_queue}-not-empty"
  alarm_description = "A Lambda invocation failed after its retries (or SNS could not deliver a job request): the message in ${local.names.lambda_failures_queue} holds the event and the error."

  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.lambda_failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.alerts.arn]
  ok_actions    = [aws_sns_topic.alerts.arn]
}

# =============================================================================
# Lambdas: error rate, not error count, so a big batch day does not page for
# the same share of errors a quiet day would not
# =============================================================================

resource "aws_cloudwatch_metric_alarm" "lambda_error_rate" {
  for_each = local.function_names

  alarm_name        = "${each.value}-error-rate"
  alarm_description = "${each.value}: more than ${var.lambda_error_rate_threshold_percent}% of invocations failed in 5 minutes (retries included); see its log group."

  comparison_operator = "GreaterThanThreshold"
  threshold           = var.lambda_error_rate_threshold_percent
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "error_rate"
    expression  = "IF(invocations > 0, 100 * errors / invocations, 0)"
    label       = "Error rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "invocations"

    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Invocations"
      dimensions  = { FunctionName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  alarm_actions = [aws_sns_topic.alerts.arn]
  ok_actions    = [aws_sns_topic.alerts.arn]
}

# =============================================================================
# Bedrock batch jobs that end badly (EventBridge, default bus)
# =============================================================================
# monitor-jobs retries the affected tasks by itself; this tells a human that
# it had to, within seconds of the state change. Bedrock sends these events
# for every batch job of the account and region.

resource "aws_cloudwatch_event_rule" "this" {
  name        = local.extra_names.job_failures_rule
  description = "Bedrock batch inference jobs ending in ${join(", ", var.alert_on_job_statuses)}"

  event_pattern = jsonencode({
    source        = ["aws.bedrock"]
    "detail-type" = ["Batch Inference Job State Change"]
    detail = {
      status = var.alert_on_job_statuses
    }
  })
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "alerts-topic"
  arn       = aws_sns_topic.alerts.arn
}
