// Key Vault (RBAC authorization) for the platform's secrets. App settings reference them with Key Vault references,
// resolved by the Functions platform with the app's managed identity; no secret value is ever an app setting.

@description('Key Vault name, globally unique, 3 to 24 characters.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Purge protection: a deleted vault and its secrets cannot be purged before the retention ends (prod).')
param enablePurgeProtection bool = true

@description('Names of the secrets to create or update.')
param secretNames array

@description('Secret values by name (secure input, never an output).')
@secure()
param secretValues object

@description('Resource id of the Log Analytics workspace for diagnostic settings.')
param workspaceId string

@description('Tags applied to every resource.')
param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secretName in secretNames: {
  parent: vault
  name: secretName
  properties: {
    value: secretValues[secretName]
    contentType: 'text/plain'
  }
}]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

@description('Resource id of the vault.')
output id string = vault.id

@description('Name of the vault.')
output name string = vault.name

@description('URI of the vault, e.g. https://<name>.vault.azure.net/.')
output uri string = vault.properties.vaultUri
