# =============================================================================
# Bucket: input/<batch>.jsonl in, output/<batch>/<job>/... out
# =============================================================================

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Server access logs would need a second bucket per deployment; who touched which object is answered by CloudTrail (S3 data events can be enabled account-wide), and every writer here is one of this module's own roles.
  #checkov:skip=CKV_AWS_144:Cross-region replication does not fit transient work files: inputs are rebuilt from the database and outputs are drained into it within minutes, then both expire.
  bucket        = local.bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# -----------------------------------------------------------------------------
# Encryption: SSE-KMS with the deployment key rather than SSE-S3 (AES256).
# Reading an object then takes kms:Decrypt on this key as well as s3:GetObject,
# so one loose bucket or IAM policy alone does not expose catalog data, and
# every decrypt is in CloudTrail. The bucket key keeps KMS requests (and their
# cost) to a few per batch instead of one per object. Each role that touches
# objects, Bedrock's batch role included, is granted the key in iam.tf.
# -----------------------------------------------------------------------------

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

# Versioning: an output overwritten or deleted before it is drained can be
# recovered for noncurrent_version_retention_days; every object expires anyway,
# so it costs little.
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

# -----------------------------------------------------------------------------
# Lifecycle: batch files are work in transit, the database keeps the results.
# -----------------------------------------------------------------------------

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-inputs"
    status = "Enabled"

    filter {
      prefix = local.layout.input_prefix
    }

    expiration {
      days = var.input_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
  }

  rule {
    id     = "expire-outputs"
    status = "Enabled"

    filter {
      prefix = local.layout.output_prefix
    }

    expiration {
      days = var.output_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
  }

  # Anywhere in the bucket: parts of an upload that never finished are billed
  # and invisible.
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# -----------------------------------------------------------------------------
# Bucket policy: TLS only (1.2 or newer), whoever the caller.
# -----------------------------------------------------------------------------

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "DenyPlainHttp"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyTlsOlderThan12"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  # S3 rejects a bucket policy while the public access block is being applied.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

# =============================================================================
# Notification: a finished output file -> parse_output
# =============================================================================
# Bedrock writes output/<batch>/<job>/<batch>.jsonl.out and manifest.json.out;
# only the former has the suffix, so the manifest does not invoke the parser.

resource "aws_lambda_permission" "s3_invokes_parse_output" {
  statement_id   = "AllowS3OutputNotifications"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.parse_output.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.this.arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "this" {
  bucket = aws_s3_bucket.this.id

  lambda_function {
    id                  = "parse-batch-output"
    lambda_function_arn = aws_lambda_function.parse_output.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = local.layout.output_prefix
    filter_suffix       = local.layout.output_suffix
  }

  # S3 checks that it may invoke the function when the notification is saved.
  depends_on = [aws_lambda_permission.s3_invokes_parse_output]
}
