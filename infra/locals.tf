# =============================================================================
# The layout shared with the Python side
# =============================================================================
# descgen/aws_layout.json is the one source of names, prefixes and queue policy:
# descgen's settings and the local stack read it too, and the infra tests fail
# when this configuration stops following it.

locals {
  layout = jsondecode(file("${path.module}/../descgen/aws_layout.json"))

  # The layout's "<name_prefix>-<suffix>", with the stage in the prefix.
  name_prefix = "${var.name_prefix}-${var.environment}"
  names       = { for resource, suffix in local.layout.name_suffixes : resource => "${local.name_prefix}-${suffix}" }

  # Bucket names are global: the account and region make this one unique.
  bucket_name = "${local.names.bucket}-${local.account_id}-${var.aws_region}"

  # Resources only Terraform knows about (nothing in Python looks them up by
  # name), named here and nowhere else.
  extra_names = {
    bedrock_batch_role = "${local.name_prefix}-bedrock-batch"
    prefect_worker     = "${local.name_prefix}-prefect-worker"
    job_failures_rule  = "${local.name_prefix}-bedrock-job-failures"
    key_alias          = "alias/${local.name_prefix}"
  }

  # Terraform names of the two functions -> their AWS names.
  function_names = {
    create_bedrock_job = local.names.create_job_function
    parse_output       = local.names.parse_output_function
  }
}

# =============================================================================
# Account, partition and ARNs built from names
# =============================================================================
# ARNs that resource policies need before (or without) the resource existing;
# building them from names avoids dependency cycles (key <-> topic).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  jobs_topic_arn   = "arn:${local.partition}:sns:${var.aws_region}:${local.account_id}:${local.names.topic}"
  alerts_topic_arn = "arn:${local.partition}:sns:${var.aws_region}:${local.account_id}:${local.names.alerts_topic}"
  alarm_arns       = "arn:${local.partition}:cloudwatch:${var.aws_region}:${local.account_id}:alarm:${local.name_prefix}-*"
  log_group_arns   = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:/aws/lambda/${local.name_prefix}-*"

  # Every batch inference job of this account and region: Bedrock generates job
  # ids, so the jobs cannot be named in advance.
  bedrock_job_arns = "arn:${local.partition}:bedrock:${var.aws_region}:${local.account_id}:model-invocation-job/*"
}

# =============================================================================
# Models
# =============================================================================

locals {
  model_ids = distinct(concat([var.model_id], var.additional_model_ids))

  # A plain id (provider.model) is a foundation model of this region.
  bedrock_foundation_model_arns = [
    for id in local.model_ids : "arn:${local.partition}:bedrock:${var.aws_region}::foundation-model/${id}"
    if length(split(".", id)) == 2
  ]

  # A three-part id (geo.provider.model) is a cross-region inference profile:
  # callers need the profile and the model in every region it routes to.
  bedrock_inference_profile_arns = flatten([
    for id in local.model_ids : [
      "arn:${local.partition}:bedrock:${var.aws_region}:${local.account_id}:inference-profile/${id}",
      "arn:${local.partition}:bedrock:*::foundation-model/${join(".", slice(split(".", id), 1, 3))}",
    ]
    if length(split(".", id)) == 3
  ])

  bedrock_model_arns = concat(local.bedrock_foundation_model_arns, local.bedrock_inference_profile_arns)
}

# =============================================================================
# Lambda packages and runtime
# =============================================================================

locals {
  # infra/package_lambdas.py writes <function>.zip here by default.
  lambda_package_dir = coalesce(var.lambda_package_dir, "${path.module}/../build/lambdas")

  # A current Lambda Python runtime (the contract package runs on 3.11+, so a
  # newer one is a one-line change). arm64 costs less per GB-second than x86_64
  # and the packages are pure Python, so the architecture is free to choose.
  lambda_runtime      = "python3.13"
  lambda_architecture = "arm64"
}
