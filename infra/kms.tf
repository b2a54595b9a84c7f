# =============================================================================
# The deployment's encryption key
# =============================================================================
# One customer managed key encrypts the bucket, both topics, every queue, the
# log groups and the Lambdas' environment. Why not the AWS managed keys:
# CloudWatch alarms and EventBridge cannot publish to a topic encrypted with
# aws/sns (its key policy cannot be changed to let them), and a key of our own
# lets its policy name exactly who may use it. Cost: 1 USD a month plus
# requests, kept low by S3 bucket keys and SQS data key reuse.

resource "aws_kms_key" "this" {
  description             = "descgen ${var.environment}: bucket, topics, queues, logs and Lambda environment"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  name          = local.extra_names.key_alias
  target_key_id = aws_kms_key.this.key_id
}

# -----------------------------------------------------------------------------
# Key policy
# -----------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" is the key itself; the account-root statement delegates to IAM, which is the AWS default and avoids an unmanageable key.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" is the key itself; write access beyond the root delegation is limited to named service principals with conditions.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" is the key itself, not every resource in the account.

  statement {
    sid       = "AccountAdministersTheKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "LogsEncryptTheLambdaLogGroups"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.log_group_arns]
    }
  }

  # Alarms and the job-failure rule publish to the encrypted alerts topic; SNS
  # moves undeliverable job requests to the encrypted failures queue. Services
  # calling on their own behalf must be allowed by the key policy itself. No
  # source conditions here, as in AWS's own examples: not every one of these
  # services passes them to KMS. Who may publish where is decided by the topic
  # and queue policies, which do carry them.
  statement {
    sid       = "AlarmsRulesAndSnsUseTheKeyForTheirMessages"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"]
    }
  }
}
