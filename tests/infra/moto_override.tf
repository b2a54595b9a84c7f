# =============================================================================
# Test only: infra/ applied to a moto server
# =============================================================================
# tests/integration/test_terraform_on_moto.py copies infra/ to a temporary
# folder and writes this file into the copy as zz_moto_override.tf, with
# __MOTO_URL__ replaced by the address of the moto server it started on
# 127.0.0.1. Terraform merges a *_override.tf file into the blocks it names
# (language/files/override in Terraform's documentation), so the real
# configuration is applied as written except for what follows. This file is
# never copied into infra/, and nothing else differs between the two.

# =============================================================================
# Provider: moto, fake credentials, no AWS account
# =============================================================================
# Every service infra/ calls has an endpoint here: one left out would try AWS,
# and fail (no network, fake keys) rather than reach it.

provider "aws" {
  access_key = "testing"
  secret_key = "testing"

  skip_credentials_validation = true
  skip_requesting_account_id  = true # data.aws_caller_identity still asks moto: 123456789012
  skip_metadata_api_check     = true
  s3_use_path_style           = true # moto at an IP and port serves buckets by path, not by host name

  endpoints {
    cloudwatch = "__MOTO_URL__"
    events     = "__MOTO_URL__"
    iam        = "__MOTO_URL__"
    kms        = "__MOTO_URL__"
    lambda     = "__MOTO_URL__"
    logs       = "__MOTO_URL__"
    s3         = "__MOTO_URL__"
    sns        = "__MOTO_URL__"
    sqs        = "__MOTO_URL__"
    sts        = "__MOTO_URL__"
  }
}

# =============================================================================
# moto's gaps, one block each
# =============================================================================

# SQS redrive-allow policy. moto 5.2 drops RedriveAllowPolicy on
# SetQueueAttributes and answers InvalidAttributeName when it is read back,
# so the provider would wait for the attribute until its timeout. The
# resource gets no instance here instead (the real configuration has no
# switch for it, and -target would need every other address listed). What
# it declares, only the results queue may dead-letter into the DLQ, is
# checked from the HCL in tests/integration/test_infra_terraform.py.
resource "aws_sqs_queue_redrive_allow_policy" "this" {
  count = 0
}

# Lambda logging configuration. moto 5.2 accepts LoggingConfig and returns
# none, so every plan after the apply would add logging_config again. Its
# changes are ignored here; the log groups it names are created and checked.
resource "aws_lambda_function" "create_bedrock_job" {
  lifecycle {
    ignore_changes = [logging_config]
  }
}

resource "aws_lambda_function" "parse_output" {
  lifecycle {
    ignore_changes = [logging_config]
  }
}

# Results queue redrive policy. moto 5.2 hands RedrivePolicy back
# re-serialized (a space after each ',' and ':'), where AWS returns the text
# it was given, and the provider compares the text: every plan would show a
# whitespace-only change. Ignored here; the test reads the policy back from
# moto and checks its target and receive count.
resource "aws_sqs_queue" "results" {
  lifecycle {
    ignore_changes = [redrive_policy]
  }
}
