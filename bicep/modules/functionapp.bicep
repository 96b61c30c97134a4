// The Functions app on the Flex Consumption plan (pay per use, scales to zero, Kafka triggers supported), .NET 10
// isolated worker, system-assigned identity. The package is deployed to a Blob container with that identity.

@description('Function App name, globally unique.')
param name string

@description('Azure region.')
param location string

@description('Name of the storage account (AzureWebJobsStorage through managed identity, deployment container).')
param storageAccountName string

@description('Blob endpoint of the storage account.')
param blobEndpoint string

@description('Container the deployment package is uploaded to.')
param deploymentContainerName string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('The platform settings (PIT_*), name to value; secrets as Key Vault references.')
param pitSettings object

@description('Most instances the app may scale out to (the Kafka trigger never exceeds the partition count per function).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Instances kept warm for HTTP (0 = pure pay per use, with cold starts).')
@minValue(0)
param alwaysReadyHttpInstances int = 0

@description('Origins whose pages may call the API from a browser (the tenant console\'s site).')
param corsAllowedOrigins array = []

@description('Resource id of the Log Analytics workspace for diagnostic settings.')
param workspaceId string

@description('Tags applied to every resource.')
param tags object = {}

// Settings owned by the platform rather than by the application. Flex Consumption sets the runtime and worker in
// functionAppConfig, so FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION must not be app settings.
var platformSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  // Telemetry is sent with an Entra token (Application Insights has local auth off).
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  // Every Azure client asks only the app's managed identity, never a developer tool (AzureCredentials.cs).
  AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // The console sends the Authorization and Pit-Tenant headers: only its own origin may, and no cookies are used.
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
      appSettings: [for setting in items(union(platformSettings, pitSettings)): {
        name: setting.key
        value: setting.value
      }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttpInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyHttpInstances }] : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [{ category: 'FunctionAppLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

@description('Resource id of the Function App.')
output id string = site.id

@description('Name of the Function App.')
output name string = site.name

@description('Object id of the app\'s system-assigned identity.')
output principalId string = site.identity.principalId

@description('Default host name, e.g. <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
