# =============================================================================
# Terraform and provider versions
# =============================================================================
# Plain aws_* resources only (no registry modules), so the whole configuration
# can be parsed and scanned offline by the test suite (tests/integration/).

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.80 knows the python3.13 runtime; 6.x changed nothing this
      # configuration uses (the region comes from a variable, not a data source).
      version = ">= 5.80, < 7.0"
    }
  }
}

# =============================================================================
# Provider
# =============================================================================

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge(var.tags, {
      Project     = var.name_prefix
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}
