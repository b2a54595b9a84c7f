# A developer's own AWS sandbox: short retention, cheap model, easy teardown.
# terraform plan -var-file=env/dev.tfvars

name_prefix = "descgen"
environment = "dev"
aws_region  = "us-east-1"

model_id             = "amazon.nova-lite-v1:0"
additional_model_ids = []

input_retention_days  = 7
output_retention_days = 7
force_destroy         = true

log_level          = "DEBUG"
log_retention_days = 14

alert_emails = []
