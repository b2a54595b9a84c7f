# =============================================================================
# Dashboard: what descgen spends and how fast, next to its alarms
# =============================================================================
# monitor-jobs sends each closed batch's tokens, cost, cost per 1K tokens,
# turnaround and retries; drain-results sends each run's results applied,
# quality holds and retries (descgen/metrics.py). All go to the deployment's
# namespace (the workers' DESCGEN_METRICS_NAMESPACE, from the descgen_env
# output) with the dimensions Store and Model. Each graph is a SEARCH over
# them, so every store and model shows as a line of its own without the
# dashboard having to know them.
#
# The metric names below are descgen.metrics.Metric's: the Terraform-on-moto
# test reads the created dashboard back and fails when the two differ.
#
# Body format: "Dashboard Body Structure and Syntax", CloudWatch API Reference
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
# a widgets array; a metric widget's "metrics" holds one array per line, an
# expression line being [{ expression, id, label }]; an alarm widget lists
# alarm ARNs; the grid is 24 units wide.

locals {
  metrics_namespace = local.name_prefix

  # One graph per row entry, three to a row. The period is a day: these are trends.
  descgen_graphs = [
    { title = "Cost per 1K tokens (USD, daily average)", stat = "Average", metrics = ["CostPer1KTokensUSD"] },
    { title = "Cost (USD per day)", stat = "Sum", metrics = ["CostUSD"] },
    { title = "Tokens per day", stat = "Sum", metrics = ["InputTokens", "OutputTokens"] },
    { title = "Job turnaround, publish to end (seconds, daily average)", stat = "Average", metrics = ["JobTurnaroundSeconds"] },
    { title = "Results applied per day", stat = "Sum", metrics = ["ResultsApplied"] },
    { title = "Held for review and retried per day", stat = "Sum", metrics = ["QualityHolds", "Retries"] },
  ]
  trend_period_seconds = 86400

  # Below the trends: the alarms, then what they watch.
  alarm_arns_on_dashboard = concat(
    [aws_cloudwatch_metric_alarm.dlq_depth.arn, aws_cloudwatch_metric_alarm.lambda_failures.arn],
    [for alarm in aws_cloudwatch_metric_alarm.lambda_error_rate : alarm.arn],
  )
  operations_row = 1 + 6 * ceil(length(local.descgen_graphs) / 3)

  dashboard_widgets = concat(
    [
      {
        type   = "text"
        x      = 0
        y      = 0
        width  = 24
        height = 1
        properties = {
          markdown = "**${local.name_prefix}**: cost and speed per store and model (namespace ${local.metrics_namespace}), then the alarms, queues and Lambdas"
        }
      },
    ],
    [
      for index, graph in local.descgen_graphs : {
        type   = "metric"
        x      = ((index % 3) * 8)
        y      = (1 + floor(index / 3) * 6)
        width  = 8
        height = 6
        properties = {
          title  = graph.title
          view   = "timeSeries"
          region = var.aws_region
          period = local.trend_period_seconds
          stat   = graph.stat
          metrics = [
            for position, name in graph.metrics : [{
              id         = "m${position}"
              label      = "${name} $${PROP('Dim.Store')} $${PROP('Dim.Model')}"
              expression = "SEARCH('{\"${local.metrics_namespace}\",Store,Model} MetricName=\"${name}\"', '${graph.stat}', ${local.trend_period_seconds})"
            }]
          ]
        }
      }
    ],
    [
      {
        type   = "alarm"
        x      = 0
        y      = local.operations_row
        width  = 24
        height = 3
        properties = {
          title  = "Alarms"
          alarms = local.alarm_arns_on_dashboard
        }
      },
      {
        type   = "metric"
        x      = 0
        y      = (local.operations_row + 3)
        width  = 12
        height = 6
        properties = {
          title  = "Queue depth (visible messages)"
          view   = "timeSeries"
          region = var.aws_region
          period = 300
          stat   = "Maximum"
          metrics = [
            for queue in [aws_sqs_queue.results, aws_sqs_queue.dlq, aws_sqs_queue.lambda_failures] :
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue.name]
          ]
          annotations = {
            horizontal = [{ label = "DLQ alarm", value = var.dlq_alarm_threshold }]
          }
        }
      },
      {
        type   = "metric"
        x      = 12
        y      = (local.operations_row + 3)
        width  = 12
        height = 6
        properties = {
          title  = "Lambda errors and invocations"
          view   = "timeSeries"
          region = var.aws_region
          period = 300
          stat   = "Sum"
          metrics = concat(
            [for function in values(local.function_names) : ["AWS/Lambda", "Errors", "FunctionName", function]],
            [for function in values(local.function_names) : ["AWS/Lambda", "Invocations", "FunctionName", function]],
          )
        }
      },
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.name_prefix
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
