// Event Hubs namespace with its Kafka endpoint. The event hubs and their consumer groups come from the topic catalog
// (bicep/topics.yaml), the same file the runtime embeds, so a topic exists in Azure exactly when the code knows it.

@description('Event Hubs namespace name, globally unique.')
param name string

@description('Azure region.')
param location string

@description('Tier: Standard (pay per throughput unit, 7 days retention, 32 partitions) or Premium (processing units, 90 days, 100 partitions).')
@allowed(['Standard', 'Premium'])
param skuName string = 'Standard'

@description('Throughput units (Standard) or processing units (Premium).')
@minValue(1)
param capacity int = 1

@description('Standard only: let Event Hubs raise throughput units under load up to this many (0 turns auto-inflate off).')
@minValue(0)
@maxValue(40)
param maximumThroughputUnits int = 4

@description('Key Vault that receives the Kafka triggers\' listen-only connection string.')
param keyVaultName string

@description('Name of that Key Vault secret.')
param triggerConnectionSecretName string = 'pit-kafka-trigger-connection-string'

@description('Resource id of the Log Analytics workspace for diagnostic settings.')
param workspaceId string

@description('Tags applied to every resource.')
param tags object = {}

var catalog = loadYamlContent('../topics.yaml')

// The catalog says delete | compact | compact,delete; Event Hubs says Delete | Compact (compaction keeps the latest
// value per key and removes tombstones after tombstoneRetentionTimeInHours).
var hubs = [for topic in catalog.topics: {
  name: topic.name
  partitions: topic.partitions
  retentionHours: topic.retentionDays * 24
  compacted: contains(topic.cleanupPolicy, 'compact')
}]

var consumerGroups = flatten(map(catalog.topics, topic => map(topic.consumerGroups, group => {
  hub: topic.name
  group: group
})))

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: capacity
  }
  properties: {
    kafkaEnabled: true
    minimumTlsVersion: '1.2'
    // Producers use Entra (managed identity). The Functions Kafka trigger cannot yet, so SAS stays on for its
    // listen-only rule below.
    disableLocalAuth: false
    isAutoInflateEnabled: skuName == 'Standard' && maximumThroughputUnits > 0
    maximumThroughputUnits: skuName == 'Standard' ? maximumThroughputUnits : 0
    zoneRedundant: skuName == 'Premium'
  }
}

resource eventHubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [for hub in hubs: {
  parent: namespace
  name: hub.name
  properties: {
    partitionCount: hub.partitions
    retentionDescription: hub.compacted
      ? {
          cleanupPolicy: 'Compact'
          tombstoneRetentionTimeInHours: hub.retentionHours
        }
      : {
          cleanupPolicy: 'Delete'
          retentionTimeInHours: hub.retentionHours
        }
  }
}]

resource groups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [for cg in consumerGroups: {
  name: '${namespace.name}/${cg.hub}/${cg.group}'
  dependsOn: [eventHubs]
  properties: {}
}]

// Listen-only SAS rule for the Functions Kafka triggers (the extension has no managed-identity mode yet). Its
// connection string goes straight into Key Vault; nothing else ever sees it.
resource triggerRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = {
  parent: namespace
  name: 'functions-kafka-trigger'
  properties: {
    rights: ['Listen']
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource triggerConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: triggerConnectionSecretName
  properties: {
    value: triggerRule.listKeys().primaryConnectionString
    contentType: 'text/plain'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'OperationalLogs', enabled: true }
      { category: 'RuntimeAuditLogs', enabled: skuName == 'Premium' }
      { category: 'KafkaCoordinatorLogs', enabled: true }
      { category: 'KafkaUserErrorLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

@description('Resource id of the namespace.')
output id string = namespace.id

@description('Name of the namespace.')
output name string = namespace.name

@description('Kafka bootstrap server of the namespace (PIT_KAFKA_BOOTSTRAP).')
output kafkaBootstrap string = '${namespace.name}.servicebus.windows.net:9093'

@description('Name of the listen-only authorization rule the Kafka triggers use.')
output triggerRuleName string = triggerRule.name

@description('Name of the Key Vault secret holding the triggers\' connection string.')
output triggerConnectionSecretName string = triggerConnection.name

@description('Every event hub created, from the topic catalog.')
output eventHubNames array = [for (hub, i) in hubs: eventHubs[i].name]

@description('Every consumer group created, as hub/group.')
output consumerGroupNames array = [for cg in consumerGroups: '${cg.hub}/${cg.group}']
