# =============================================================================
# What the Prefect side needs (descgen/settings.py, prefix DESCGEN_)
# =============================================================================

locals {
  # Setting name -> value, for the descgen_env output. Only settings without a
  # usable default or that differ per deployment; prefixes and queue figures
  # default to descgen/aws_layout.json on both sides.
  descgen_settings = {
    DESCGEN_AWS_REGION = var.aws_region
    DESCGEN_BUCKET     = aws_s3_bucket.this.id
    DESCGEN_TOPIC_ARN  = aws_sns_topic.jobs.arn
    DESCGEN_QUEUE_URL  = aws_sqs_queue.results.url
    DESCGEN_DLQ_URL    = aws_sqs_queue.dlq.url
    DESCGEN_MODEL_ID   = var.model_id

    DESCGEN_METRICS_NAMESPACE = local.metrics_namespace
  }
}

output "descgen_env" {
  description = "descgen's settings as .env lines: terraform output -raw descgen_env > .env"
  value       = join("", [for name, value in local.descgen_settings : "${name}=${value}\n"])
}

output "aws_region" {
  description = "Region of every resource (DESCGEN_AWS_REGION)."
  value       = var.aws_region
}

output "bucket_name" {
  description = "Bucket holding the input and output prefixes (DESCGEN_BUCKET)."
  value       = aws_s3_bucket.this.id
}

output "topic_arn" {
  description = "SNS topic the generate flow publishes job requests to (DESCGEN_TOPIC_ARN)."
  value       = aws_sns_topic.jobs.arn
}

output "queue_url" {
  description = "SQS queue of result pages, drained by the drain-results flow (DESCGEN_QUEUE_URL)."
  value       = aws_sqs_queue.results.url
}

output "dlq_url" {
  description = "Dead-letter queue of the results queue (DESCGEN_DLQ_URL)."
  value       = aws_sqs_queue.dlq.url
}

output "model_id" {
  description = "Default Bedrock model id (DESCGEN_MODEL_ID)."
  value       = var.model_id
}

output "model_ids" {
  description = "Every model id the Lambdas and workers may use."
  value       = local.model_ids
}

# =============================================================================
# Identities
# =============================================================================

output "prefect_worker_role_arn" {
  description = "Role for the Prefect workers (an ECS work pool's task role, or assumed by the listed principals)."
  value       = aws_iam_role.prefect_worker.arn
}

output "prefect_worker_policy_arn" {
  description = "The workers' permissions as a managed policy, to attach to an identity of your own instead."
  value       = aws_iam_policy.this.arn
}

output "bedrock_batch_role_arn" {
  description = "Role Bedrock assumes to run batch jobs (set on create_bedrock_job as DESCGEN_BEDROCK_ROLE_ARN)."
  value       = aws_iam_role.bedrock_batch.arn
}

# =============================================================================
# Operations
# =============================================================================

output "function_names" {
  description = "Lambda function names by handler folder (lambdas/<folder>)."
  value = {
    create_bedrock_job = aws_lambda_function.create_bedrock_job.function_name
    parse_output       = aws_lambda_function.parse_output.function_name
  }
}

output "lambda_failures_queue_url" {
  description = "Failed Lambda invocations and undeliverable job requests, with their errors."
  value       = aws_sqs_queue.lambda_failures.url
}

output "alerts_topic_arn" {
  description = "SNS topic of every alarm; subscribe more endpoints to it as needed."
  value       = aws_sns_topic.alerts.arn
}

output "kms_key_arn" {
  description = "The deployment's KMS key (bucket, topics, queues, logs, Lambda environment)."
  value       = aws_kms_key.this.arn
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the flows' metrics (DESCGEN_METRICS_NAMESPACE); the dashboard and the workers' PutMetricData permission name it."
  value       = local.metrics_namespace
}

output "dashboard_name" {
  description = "CloudWatch dashboard of cost per 1K tokens, cost, tokens, turnaround, results, holds and retries per store and model, with the alarms, queue depths and Lambda errors."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
