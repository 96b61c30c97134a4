// The operations workbook in the Azure portal: ingest rate, error rate, consumer lag, throughput and latency, dead
// letters, database failures, consumer spans and the NAV of a chosen series, all from Application Insights (requests
// plus the platform's metrics, exported by OpenTelemetry under the names in PitMetrics and PitTelemetry).

@description('Base name, e.g. pit-dev.')
param name string

@description('Azure region.')
param location string

@description('Resource id of Application Insights.')
param appInsightsId string

@description('Tags applied to every resource.')
param tags object = {}

func query(title string, kql string, visualization string) object => {
  type: 3
  name: title
  content: {
    version: 'KqlItem/1.0'
    title: title
    query: kql
    size: 0
    timeContext: { durationMs: 0 }
    timeContextFromParameter: 'TimeRange'
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: visualization
  }
  customWidth: '50'
}

var workbook = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'title'
      content: { json: '## PIT Platform operations\nIngest, consumers, dead letters and NAV. Runbooks: docs/runbooks/ in the repository.' }
    }
    {
      type: 9
      name: 'parameters'
      content: {
        version: 'KqlParameterItem/1.0'
        parameters: [
          {
            name: 'TimeRange'
            type: 4
            isRequired: true
            value: { durationMs: 3600000 }
            typeSettings: { selectableValues: [{ durationMs: 900000 }, { durationMs: 3600000 }, { durationMs: 86400000 }, { durationMs: 604800000 }] }
          }
          { name: 'Tenant', type: 1, value: 'demo', label: 'Tenant' }
          { name: 'Series', type: 1, value: 'alpha', label: 'Series (NAV chart)' }
        ]
      }
    }
    query('Events ingested per minute', 'customMetrics | where name == "pit.ingest.events" | extend outcome = tostring(customDimensions.outcome) | summarize events = sum(valueSum) by bin(timestamp, 1m), outcome', 'timechart')
    query('HTTP error rate (%)', 'requests | summarize total = count(), e4xx = countif(toint(resultCode) between (400 .. 499)), e5xx = countif(toint(resultCode) >= 500) by bin(timestamp, 1m) | project timestamp, client_errors = 100.0 * e4xx / total, server_errors = 100.0 * e5xx / total', 'timechart')
    query('Consumer lag: age of the oldest record handled (s)', 'customMetrics | where name == "pit.consumer.record_age_ms" | extend group = tostring(customDimensions.consumer_group) | summarize lag_seconds = max(valueMax) / 1000.0 by bin(timestamp, 1m), group', 'timechart')
    query('Processing latency per batch (ms, p95 of per-minute maxima)', 'customMetrics | where name == "pit.consumer.batch_duration_ms" | extend group = tostring(customDimensions.consumer_group) | summarize p95_ms = percentile(valueMax, 95), avg_ms = sum(valueSum) / sum(valueCount) by bin(timestamp, 1m), group', 'timechart')
    query('Dead letters by reason', 'customMetrics | where name == "pit.dead_letters" | extend reason = tostring(customDimensions.reason), group = tostring(customDimensions.consumer_group) | summarize letters = sum(valueSum) by bin(timestamp, 5m), reason, group', 'barchart')
    query('Consumer throughput (records per minute)', 'customMetrics | where name == "pit.consumer.records" | extend group = tostring(customDimensions.consumer_group) | summarize records = sum(valueSum) by bin(timestamp, 1m), group', 'timechart')
    query('Errors by code', 'customMetrics | where name == "pit.errors" | extend code = tostring(customDimensions.code) | summarize errors = sum(valueSum) by bin(timestamp, 5m), code', 'barchart')
    query('Postgres connection failures', 'customMetrics | where name == "pit.database.connection_failures" | extend component = tostring(customDimensions.component) | summarize failures = sum(valueSum) by bin(timestamp, 5m), component', 'barchart')
    query('Consumer spans: p95 duration and failures per group', 'requests | where name startswith "process " | summarize p95_ms = percentile(duration, 95), failed = countif(success == false) by bin(timestamp, 5m), name', 'timechart')
    query('NAV of series {Series} per cell (currency units)', 'customMetrics | where name == "pit.nav.value_micros" and tostring(customDimensions.tenant) == "{Tenant}" and tostring(customDimensions.series) == "{Series}" | extend cell = tostring(customDimensions.cell), currency = tostring(customDimensions.currency) | summarize nav = max(valueMax) / 1000000.0 by bin(timestamp, 1m), series_cell = strcat(cell, " ", currency)', 'linechart')
  ]
  fallbackResourceIds: [appInsightsId]
}

resource operations 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, name, 'operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: '${name} operations'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: string(workbook)
  }
}

@description('Resource id of the workbook.')
output id string = operations.id
