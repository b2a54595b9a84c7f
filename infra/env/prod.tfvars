# Production. Review every value; alert_emails must reach someone on call.
# terraform plan -var-file=env/prod.tfvars

name_prefix = "descgen"
environment = "prod"
aws_region  = "us-east-1"

model_id             = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
additional_model_ids = ["us.anthropic.claude-sonnet-4-6", "amazon.nova-lite-v1:0"]
job_timeout_hours    = 24

input_retention_days  = 30
output_retention_days = 30
force_destroy         = false

log_level          = "INFO"
log_retention_days = 365

# An ECS work pool's tasks assume the worker role; add the ARN of a process
# worker's instance role here if one runs outside ECS.
prefect_worker_service_principals = ["ecs-tasks.amazonaws.com"]
prefect_worker_principal_arns     = []

alert_emails = ["platform-alerts@example.com"]

tags = {
  CostCenter = "ecommerce-content"
}
