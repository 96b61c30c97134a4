// PostgreSQL Flexible Server with Entra authentication only (no passwords): the Functions app's managed identity is
// an Entra administrator, so it can run the schema migrations at start-up and needs no stored credential.

@description('Server name, globally unique.')
param name string

@description('Azure region.')
param location string

@description('Compute SKU, e.g. Standard_B1ms (Burstable) for dev, Standard_D2ds_v5 (General Purpose) for prod.')
param skuName string = 'Standard_B1ms'

@description('Compute tier matching skuName.')
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param skuTier string = 'Burstable'

@description('Storage size in GiB.')
@minValue(32)
param storageSizeGB int = 32

@description('PostgreSQL major version.')
@allowed(['15', '16', '17'])
param version string = '16'

@description('Days of point-in-time backups.')
@minValue(7)
@maxValue(35)
param backupRetentionDays int = 7

@description('Zone-redundant high availability (prod).')
param highAvailability bool = false

@description('Name of the application database.')
param databaseName string = 'pit'

@description('Entra administrators: objects with principalId, principalName and principalType (User, Group or ServicePrincipal).')
param administrators array

@description('Allow connections from Azure services (the Functions app on Flex Consumption has no fixed outbound address without a virtual network).')
param allowAzureServices bool = true

@description('Extra firewall rules: objects with name, startIpAddress and endIpAddress (e.g. an operator network).')
param firewallRules array = []

@description('Resource id of the Log Analytics workspace for diagnostic settings.')
param workspaceId string

@description('Tags applied to every resource.')
param tags object = {}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: highAvailability ? 'ZoneRedundant' : 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// Administrators are added one at a time: the service refuses concurrent administrator operations.
@batchSize(1)
resource admins 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = [for admin in administrators: {
  parent: server
  name: admin.principalId
  properties: {
    principalName: admin.principalName
    principalType: admin.principalType
    tenantId: subscription().tenantId
  }
  dependsOn: [database]
}]

resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (allowAzureServices) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

@batchSize(1)
resource extraRules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for rule in firewallRules: {
  parent: server
  name: rule.name
  properties: {
    startIpAddress: rule.startIpAddress
    endIpAddress: rule.endIpAddress
  }
  dependsOn: [azureServices]
}]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: server
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'PostgreSQLLogs', enabled: true }
      { category: 'PostgreSQLFlexSessions', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

@description('Resource id of the server.')
output id string = server.id

@description('Name of the server.')
output name string = server.name

@description('Host name of the server.')
output host string = server.properties.fullyQualifiedDomainName

@description('Name of the application database.')
output databaseName string = database.name
