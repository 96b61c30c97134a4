// Alerts an operator acts on (each links to a runbook in docs/runbooks/) and the action group that notifies them.

@description('Base name for the resources, e.g. pit-dev.')
param name string

@description('Azure region of the log search alert rules.')
param location string

@description('E-mail addresses notified by every alert; empty disables notifications (the alerts still fire in the portal).')
param alertEmails array = []

@description('Resource id of Application Insights (requests and the platform\'s custom metrics).')
param appInsightsId string

@description('Resource id of the Event Hubs namespace.')
param eventHubsNamespaceId string

@description('Resource id of the PostgreSQL server.')
param postgresServerId string

@description('Alert when more than this percentage of HTTP requests fail with 5xx over 5 minutes.')
@minValue(1)
@maxValue(100)
param http5xxPercent int = 5

@description('Alert when the oldest record a consumer handles is older than this many seconds (consumer lag in time).')
@minValue(10)
param consumerLagSeconds int = 120

@description('Alert when a consumer\'s lag (age of the oldest record handled) grew by more than this many seconds from one 5-minute half of a 10-minute window to the next.')
@minValue(10)
param consumerLagGrowthSeconds int = 60

@description('Alert when a consumer handles fewer records per minute than this while it is behind (see throughputLagSeconds).')
@minValue(1)
param consumerThroughputFloorPerMinute int = 10

@description('A consumer counts as behind, for the throughput alert, when its oldest record handled is older than this many seconds.')
@minValue(1)
param throughputLagSeconds int = 60

@description('Alert when Postgres CPU stays above this percentage for 15 minutes.')
@minValue(10)
@maxValue(100)
param postgresCpuPercent int = 80

@description('Tags applied to every resource.')
param tags object = {}

var deadLetterTopic = 'pit.v1.ops.dead_letter'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${name}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take(replace(name, '-', ''), 12)
    enabled: true
    emailReceivers: [for (email, i) in alertEmails: {
      name: 'ops-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
  }
}

// Nothing is sampled (FunctionsAppHost exports every span through OpenTelemetry), so the rate is exact.
resource http5xx 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${name}-http-5xx-rate'
  location: location
  tags: tags
  properties: {
    displayName: 'PIT: HTTP 5xx rate above ${http5xxPercent}% (runbook: docs/runbooks/ingestion_failure.md)'
    severity: 1
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'requests | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total > 0 | extend percent = 100.0 * failed / total'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'percent'
          operator: 'GreaterThan'
          threshold: http5xxPercent
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

// pit.consumer.record_age_ms: age of the oldest record of each batch when its handler starts (lag, in time).
resource consumerLag 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${name}-consumer-lag'
  location: location
  tags: tags
  properties: {
    displayName: 'PIT: a consumer is more than ${consumerLagSeconds} s behind (runbook: docs/runbooks/dead_letters.md)'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "pit.consumer.record_age_ms" | extend group = tostring(customDimensions.consumer_group) | summarize lagSeconds = max(valueMax) / 1000.0 by group'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'lagSeconds'
          dimensions: [{ name: 'group', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: consumerLagSeconds
          failingPeriods: { numberOfEvaluationPeriods: 2, minFailingPeriodsToAlert: 2 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

// Lag growing: pit.consumer.record_age_ms is recorded at every attempt, failed ones included, so a stuck consumer
// shows as growth too.
resource consumerLagGrowing 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${name}-consumer-lag-growing'
  location: location
  tags: tags
  properties: {
    displayName: 'PIT: a consumer\'s lag grew by more than ${consumerLagGrowthSeconds} s in 5 minutes (runbook: docs/runbooks/dead_letters.md)'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "pit.consumer.record_age_ms" | extend group = tostring(customDimensions.consumer_group) | summarize recent = maxif(valueMax, timestamp > ago(5m)) / 1000.0, before = maxif(valueMax, timestamp <= ago(5m)) / 1000.0 by group | extend growthSeconds = recent - before'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'growthSeconds'
          dimensions: [{ name: 'group', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: consumerLagGrowthSeconds
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

// Throughput below a floor while records wait: a consumer that is behind but slow (pit.consumer.records counts only
// completed records; pit.consumer.record_age_ms says it is behind).
resource consumerThroughput 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${name}-consumer-throughput-low'
  location: location
  tags: tags
  properties: {
    displayName: 'PIT: a consumer handles fewer than ${consumerThroughputFloorPerMinute} records/min while ${throughputLagSeconds} s behind (runbook: docs/runbooks/dead_letters.md)'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name in ("pit.consumer.records", "pit.consumer.record_age_ms") | extend group = tostring(customDimensions.consumer_group) | summarize recordsPerMinute = sumif(valueSum, name == "pit.consumer.records") / 10.0, lagSeconds = maxif(valueMax, name == "pit.consumer.record_age_ms") / 1000.0 by group | where lagSeconds > ${throughputLagSeconds}'
          timeAggregation: 'Minimum'
          metricMeasureColumn: 'recordsPerMinute'
          dimensions: [{ name: 'group', operator: 'Include', values: ['*'] }]
          operator: 'LessThan'
          threshold: consumerThroughputFloorPerMinute
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

// Postgres unreachable from the app (connections refused, broken or timed out), counted by the shared code for HTTP
// and every consumer: pit.database.connection_failures.
resource databaseConnectionFailures 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${name}-database-connection-failures'
  location: location
  tags: tags
  properties: {
    displayName: 'PIT: the app cannot reach Postgres (runbook: docs/runbooks/ingestion_failure.md)'
    severity: 1
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "pit.database.connection_failures" | extend component = tostring(customDimensions.component) | summarize failures = sum(valueSum) by component'
          timeAggregation: 'Total'
          metricMeasureColumn: 'failures'
          dimensions: [{ name: 'component', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

// Any dead letter at all: counted by Event Hubs itself on the dead-letter hub, independent of our own telemetry.
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${name}-dead-letter'
  location: 'global'
  tags: tags
  properties: {
    description: 'PIT: a record was dead-lettered (runbook: docs/runbooks/dead_letters.md)'
    severity: 2
    enabled: true
    scopes: [eventHubsNamespaceId]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-letters'
          metricNamespace: 'Microsoft.EventHub/namespaces'
          metricName: 'IncomingMessages'
          dimensions: [{ name: 'EntityName', operator: 'Include', values: [deadLetterTopic] }]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [{ actionGroupId: actionGroup.id }]
  }
}

resource postgresCpu 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${name}-postgres-cpu'
  location: 'global'
  tags: tags
  properties: {
    description: 'PIT: Postgres CPU above ${postgresCpuPercent}% for 15 minutes'
    severity: 2
    enabled: true
    scopes: [postgresServerId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'cpu'
          metricNamespace: 'Microsoft.DBforPostgreSQL/flexibleServers'
          metricName: 'cpu_percent'
          operator: 'GreaterThan'
          threshold: postgresCpuPercent
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [{ actionGroupId: actionGroup.id }]
  }
}

@description('Resource id of the action group.')
output actionGroupId string = actionGroup.id

@description('Names of the alert rules.')
output alertNames array = [
  http5xx.name
  consumerLag.name
  consumerLagGrowing.name
  consumerThroughput.name
  databaseConnectionFailures.name
  deadLetters.name
  postgresCpu.name
]
