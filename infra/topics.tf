# =============================================================================
# Job requests: the generate flow publishes, create_bedrock_job subscribes
# =============================================================================
# The alerts topic lives with the alarms (alarms.tf).

resource "aws_sns_topic" "jobs" {
  name              = local.names.topic
  kms_master_key_id = aws_kms_key.this.arn
}

resource "aws_lambda_permission" "sns_invokes_create_bedrock_job" {
  statement_id  = "AllowJobRequestsTopic"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.create_bedrock_job.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.jobs.arn
}

resource "aws_sns_topic_subscription" "create_bedrock_job" {
  topic_arn = aws_sns_topic.jobs.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.create_bedrock_job.arn

  # A request SNS cannot hand to Lambda at all (permission gone, function
  # deleted) lands beside the failed invocations instead of vanishing.
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.lambda_failures.arn
  })

  depends_on = [aws_lambda_permission.sns_invokes_create_bedrock_job, aws_sqs_queue_policy.this]
}
