# =============================================================================
# Naming and placement
# =============================================================================

variable "name_prefix" {
  description = "First part of every resource name: <name_prefix>-<environment>-<suffix from descgen/aws_layout.json>."
  type        = string
  default     = "descgen"

  validation {
    # Lowercase because the bucket name is built from it; 20 characters keep the
    # longest name (the bucket, with account id and region) under S3's 63.
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-20 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment stage; part of every resource name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of: dev, staging, prod."
  }
}

variable "aws_region" {
  description = "AWS region for every resource; Bedrock batch inference and the chosen models must be available there."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like us-east-1."
  }
}

variable "tags" {
  description = "Extra tags for every resource (Project, Environment and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

# =============================================================================
# Bedrock
# =============================================================================

variable "model_id" {
  description = "Default Bedrock model id (DESCGEN_MODEL_ID). A three-part id such as us.anthropic.<model> is a cross-region inference profile."
  type        = string
  default     = "us.anthropic.claude-haiku-4-5-20251001-v1:0"

  validation {
    condition     = can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+){1,2}(:[0-9]+)?$", var.model_id))
    error_message = "model_id must be a Bedrock model id (provider.model[:n]) or inference profile id (geo.provider.model[:n]), not an ARN."
  }
}

variable "additional_model_ids" {
  description = "Other model ids the Lambdas and workers may use (batches may name a model other than the default)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.additional_model_ids : can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+){1,2}(:[0-9]+)?$", id))])
    error_message = "Each additional model id must be a Bedrock model id or inference profile id, not an ARN."
  }
}

variable "job_timeout_hours" {
  description = "timeoutDurationInHours of each Bedrock batch job (DESCGEN_JOB_TIMEOUT_HOURS); Bedrock accepts 24 to 168."
  type        = number
  default     = 24

  validation {
    condition     = var.job_timeout_hours >= 24 && var.job_timeout_hours <= 168 && floor(var.job_timeout_hours) == var.job_timeout_hours
    error_message = "job_timeout_hours must be a whole number from 24 to 168."
  }
}

# =============================================================================
# Storage
# =============================================================================

variable "input_retention_days" {
  description = "Days before objects under the input prefix expire."
  type        = number
  default     = 30

  validation {
    # A job may wait and run for up to 168 hours and reads its input throughout.
    condition     = var.input_retention_days >= 7
    error_message = "input_retention_days must be at least 7: a batch job may read its input for up to 7 days."
  }
}

variable "output_retention_days" {
  description = "Days before objects under the output prefix (results and manifests) expire."
  type        = number
  default     = 30

  validation {
    condition     = var.output_retention_days >= 1
    error_message = "output_retention_days must be at least 1."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days an overwritten or deleted object version is kept (the bucket is versioned)."
  type        = number
  default     = 7

  validation {
    condition     = var.noncurrent_version_retention_days >= 1
    error_message = "noncurrent_version_retention_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete the bucket with every object version in it. Keep false in prod."
  type        = bool
  default     = false
}

# =============================================================================
# Lambdas
# =============================================================================

variable "lambda_package_dir" {
  description = "Folder holding create_bedrock_job.zip and parse_output.zip; null means <repo>/build/lambdas, where infra/package_lambdas.py writes them."
  type        = string
  default     = null
}

variable "log_level" {
  description = "LOG_LEVEL of both Lambdas."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be one of: DEBUG, INFO, WARNING, ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the Lambdas' CloudWatch log groups, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ..., 365, ...)."
  }
}

variable "page_size" {
  description = "Results per SQS message sent by parse_output (DESCGEN_PAGE_SIZE); 1 = one message per product."
  type        = number
  default     = 100

  validation {
    condition     = var.page_size >= 1 && var.page_size <= 1000 && floor(var.page_size) == var.page_size
    error_message = "page_size must be a whole number from 1 to 1000."
  }
}

# =============================================================================
# Prefect workers
# =============================================================================

variable "prefect_worker_service_principals" {
  description = "AWS services whose workloads may assume the Prefect worker role (ecs-tasks.amazonaws.com for an ECS work pool)."
  type        = list(string)
  default     = ["ecs-tasks.amazonaws.com"]

  validation {
    condition     = alltrue([for service in var.prefect_worker_service_principals : endswith(service, ".amazonaws.com")])
    error_message = "Each service principal must end in .amazonaws.com."
  }
}

variable "prefect_worker_principal_arns" {
  description = "IAM roles or users that may assume the Prefect worker role (a process worker's instance role, a CI role...)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.prefect_worker_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "Each principal must be an IAM role or user ARN."
  }
}

# =============================================================================
# Alarms
# =============================================================================

variable "alert_emails" {
  description = "Email addresses subscribed to the alerts topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Each alert email must be an email address."
  }
}

variable "dlq_alarm_threshold" {
  description = "Alarm when the dead-letter queue holds more than this many messages (the drain flow's dlq_alert_threshold)."
  type        = number
  default     = 10
}

variable "lambda_error_rate_threshold_percent" {
  description = "Alarm when a Lambda's errors exceed this percentage of its invocations over the alarm period."
  type        = number
  default     = 5

  validation {
    condition     = var.lambda_error_rate_threshold_percent > 0 && var.lambda_error_rate_threshold_percent < 100
    error_message = "lambda_error_rate_threshold_percent must be between 0 and 100."
  }
}

variable "alert_on_job_statuses" {
  description = "Bedrock batch job end states that page: Stopped is left out by default because stopping a job is deliberate."
  type        = list(string)
  default     = ["Failed", "Expired", "PartiallyCompleted"]

  validation {
    condition     = length(var.alert_on_job_statuses) > 0 && alltrue([for status in var.alert_on_job_statuses : contains(["Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"], status)])
    error_message = "alert_on_job_statuses must list some of: Completed, PartiallyCompleted, Failed, Stopped, Expired."
  }
}
