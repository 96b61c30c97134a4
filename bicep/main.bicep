// PIT Platform on Azure: everything one environment needs, on pay-per-use plans where the service has one.
// Deploy: az deployment group create -g <rg> -f bicep/main.bicep -p bicep/parameters/dev.bicepparam (docs/DEPLOYMENT.md).
targetScope = 'resourceGroup'

@description('Environment name; part of every resource name.')
@allowed(['dev', 'prod'])
param environmentName string

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Prefix of every resource name.')
@minLength(2)
@maxLength(6)
param namePrefix string = 'pit'

@description('Event Hubs tier: Standard (default) or Premium.')
@allowed(['Standard', 'Premium'])
param eventHubsSku string = 'Standard'

@description('Event Hubs throughput units (Standard) or processing units (Premium).')
@minValue(1)
param eventHubsCapacity int = 1

@description('Standard only: auto-inflate ceiling in throughput units (0 = off).')
@minValue(0)
@maxValue(40)
param eventHubsMaximumThroughputUnits int = 4

@description('PostgreSQL compute SKU.')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL compute tier matching postgresSkuName.')
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL storage in GiB.')
@minValue(32)
param postgresStorageGB int = 32

@description('PostgreSQL zone-redundant high availability.')
param postgresHighAvailability bool = false

@description('Human Entra administrators of PostgreSQL besides the app: objects with principalId, principalName, principalType.')
param postgresAdministrators array = []

@description('Extra PostgreSQL firewall rules: objects with name, startIpAddress, endIpAddress.')
param postgresFirewallRules array = []

@description('Most Function App instances.')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 40

@description('Memory per Function App instance in MB.')
@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048

@description('Always-ready HTTP instances (0 = pure pay per use).')
@minValue(0)
param functionAlwaysReadyHttpInstances int = 0

@description('Key Vault purge protection (recommended for prod).')
param keyVaultPurgeProtection bool = true

@description('Days before archive blobs move to the cool tier.')
@minValue(1)
param archiveCoolAfterDays int = 30

@description('Days before archive blobs move to the archive tier.')
@minValue(2)
param archiveArchiveAfterDays int = 180

@description('Default events per second per API key (PIT_RATE_LIMIT_PER_SECOND).')
@minValue(1)
param rateLimitPerSecond int = 1000

@description('Default burst per API key (PIT_RATE_LIMIT_BURST).')
@minValue(1)
param rateLimitBurst int = 2000

@description('Fraction of LLM calls whose full text is kept when the tenant did not opt in (PIT_USAGE_TEXT_SAMPLE_RATE).')
param usageTextSampleRate string = '0.01'

@description('Kafka producer delivery timeout in ms (PIT_KAFKA_DELIVERY_TIMEOUT_MS).')
@minValue(1000)
param kafkaDeliveryTimeoutMs int = 120000

@description('E-mail addresses for alerts.')
param alertEmails array = []

@description('Pepper of API key hashes, at least 16 characters. Changing it invalidates every API key.')
@secure()
@minLength(16)
param apiKeyPepper string

@description('Secret the per-tenant redaction keys derive from, at least 32 bytes.')
@secure()
@minLength(32)
param redactionSecret string

@description('HMAC key of query page tokens, at least 32 bytes.')
@secure()
@minLength(32)
param pageTokenSecret string

@description('Stripe secret key (sk_... or rk_...); empty leaves usage billing off. Kept in Key Vault, read at run time.')
@secure()
param stripeSecretKey string = ''

@description('The currency LLM cost is billed in (PIT_BILLING_CURRENCY).')
@minLength(3)
@maxLength(3)
param billingCurrency string = 'USD'

@description('Hours an approval request (deletion, redaction off, retention outside the bounds) waits before it expires.')
@minValue(1)
@maxValue(720)
param approvalExpiryHours int = 72

@description('Issuer of the Microsoft Entra ID access tokens the API accepts, https://login.microsoftonline.com/<tenant id>/v2.0 (PIT_OIDC_AUTHORITY); empty: API keys only. See docs/runbooks/tenants.md.')
param identityAuthority string = ''

@description('Audience of those tokens: the API app registration\'s Application ID URI, e.g. api://pit-platform (PIT_OIDC_AUDIENCE). Required with identityAuthority.')
param identityAudience string = ''

@description('The app role of the API app registration that makes a person a platform operator (PIT_OIDC_OPERATOR_ROLE).')
@minLength(1)
param identityOperatorRole string = 'Pit.Operator'

@description('Region of the console\'s Static Web App (a Static Web Apps region; the files are served from the edge).')
@allowed(['westeurope', 'westus2', 'centralus', 'eastus2', 'eastasia'])
param consoleLocation string = 'westeurope'

@description('Tags applied to every resource.')
param tags object = {}

var baseName = '${namePrefix}-${environmentName}'
var suffix = take(uniqueString(resourceGroup().id, environmentName), 8)
var functionAppName = '${baseName}-func-${suffix}'
var consoleName = '${baseName}-console-${suffix}'
var postgresServerName = '${baseName}-pg-${suffix}'
var keyVaultName = '${baseName}-kv-${suffix}'
var storageAccountName = toLower('${namePrefix}${environmentName}${suffix}')
var eventHubsNamespaceName = '${baseName}-ehns-${suffix}'
var appInsightsName = '${baseName}-appi'
var archiveContainerName = 'pit-archive'
var allTags = union(tags, { application: 'pit-platform', environment: environmentName })

// Key Vault secret names; the app settings below reference them.
var secretNames = {
  apiKeyPepper: 'pit-api-key-pepper'
  redactionSecret: 'pit-redaction-secret'
  pageTokenSecret: 'pit-page-token-secret'
  // The name the billing reporter derives from PIT_STRIPE_SECRET_KEY (KeyVaultSecretSource.SecretName).
  stripeSecretKey: 'pit-stripe-secret-key'
}
var billingEnabled = !empty(stripeSecretKey)

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: baseName
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    archiveContainerName: archiveContainerName
    archiveCoolAfterDays: archiveCoolAfterDays
    archiveArchiveAfterDays: archiveArchiveAfterDays
    workspaceId: monitoring.outputs.workspaceId
    tags: allTags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    enablePurgeProtection: keyVaultPurgeProtection
    secretNames: [secretNames.apiKeyPepper, secretNames.redactionSecret, secretNames.pageTokenSecret]
    secretValues: {
      '${secretNames.apiKeyPepper}': apiKeyPepper
      '${secretNames.redactionSecret}': redactionSecret
      '${secretNames.pageTokenSecret}': pageTokenSecret
    }
    workspaceId: monitoring.outputs.workspaceId
    tags: allTags
  }
}

// Only when billing is on; a separate resource so the vault module's secret count never depends on a secure value.
resource stripeSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (billingEnabled) {
  name: '${keyVaultName}/${secretNames.stripeSecretKey}'
  properties: {
    value: stripeSecretKey
    contentType: 'text/plain'
  }
  dependsOn: [keyVault]
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'event-hubs'
  params: {
    name: eventHubsNamespaceName
    location: location
    skuName: eventHubsSku
    capacity: eventHubsCapacity
    maximumThroughputUnits: eventHubsMaximumThroughputUnits
    // A name known before deployment keeps what-if precise; dependsOn orders it after the vault.
    keyVaultName: keyVaultName
    workspaceId: monitoring.outputs.workspaceId
    tags: allTags
  }
  dependsOn: [keyVault]
}

// The settings the Functions app reads (shared/PitPlatform.Hosting/SettingNames.cs: SetByDeployment); a test holds
// this object and that list equal. Secrets are Key Vault references, resolved by the platform with the app's identity.
var pitSettings = {
  PIT_KAFKA_BOOTSTRAP: eventHubs.outputs.kafkaBootstrap
  PIT_KAFKA_AUTH: 'managed-identity'
  PIT_KAFKA_TRIGGER_CONNECTION_STRING: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${eventHubs.outputs.triggerConnectionSecretName})'
  PIT_KAFKA_DELIVERY_TIMEOUT_MS: string(kafkaDeliveryTimeoutMs)
  PIT_POSTGRES: 'Host=${postgresServerName}.postgres.database.azure.com;Database=pit;Username=${functionAppName};SSL Mode=VerifyFull'
  PIT_POSTGRES_AUTH: 'managed-identity'
  PIT_BLOB: storage.outputs.blobEndpoint
  PIT_ARCHIVE_CONTAINER: archiveContainerName
  PIT_API_KEY_PEPPER: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.apiKeyPepper})'
  PIT_REDACTION_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.redactionSecret})'
  PIT_PAGE_TOKEN_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.pageTokenSecret})'
  PIT_RATE_LIMIT_PER_SECOND: string(rateLimitPerSecond)
  PIT_RATE_LIMIT_BURST: string(rateLimitBurst)
  PIT_USAGE_TEXT_SAMPLE_RATE: usageTextSampleRate
  PIT_KEY_VAULT_URI: 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/'
  PIT_BILLING: billingEnabled ? 'on' : 'off'
  PIT_BILLING_CURRENCY: billingCurrency
  PIT_APPROVAL_EXPIRY_HOURS: string(approvalExpiryHours)
  PIT_OIDC_AUTHORITY: identityAuthority
  PIT_OIDC_AUDIENCE: identityAudience
  PIT_OIDC_OPERATOR_ROLE: identityOperatorRole
}

module console 'modules/console.bicep' = {
  name: 'console'
  params: {
    name: consoleName
    location: consoleLocation
    tags: allTags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'function-app'
  params: {
    name: functionAppName
    location: location
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    pitSettings: pitSettings
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    alwaysReadyHttpInstances: functionAlwaysReadyHttpInstances
    corsAllowedOrigins: ['https://${console.outputs.defaultHostName}']
    workspaceId: monitoring.outputs.workspaceId
    tags: allTags
  }
  // The app's settings reference the vault's secrets by name.
  dependsOn: [keyVault]
}

module roles 'modules/roles.bicep' = {
  name: 'role-assignments'
  params: {
    // The app's identity exists only once the app does; what-if cannot know it beforehand.
    #disable-next-line what-if-short-circuiting
    principalId: functionApp.outputs.principalId
    eventHubsNamespaceName: eventHubsNamespaceName
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    appInsightsName: appInsightsName
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: postgresServerName
    location: location
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageGB
    highAvailability: postgresHighAvailability
    // The app's identity is an Entra administrator: it applies the schema migrations at start-up.
    administrators: concat([
      {
        principalId: functionApp.outputs.principalId
        principalName: functionAppName
        principalType: 'ServicePrincipal'
      }
    ], postgresAdministrators)
    firewallRules: postgresFirewallRules
    workspaceId: monitoring.outputs.workspaceId
    tags: allTags
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    name: baseName
    location: location
    alertEmails: alertEmails
    appInsightsId: monitoring.outputs.appInsightsId
    eventHubsNamespaceId: eventHubs.outputs.id
    postgresServerId: postgres.outputs.id
    tags: allTags
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    name: baseName
    location: location
    appInsightsId: monitoring.outputs.appInsightsId
    tags: allTags
  }
}

@description('Name of the Function App (zip-deploy target).')
output functionAppName string = functionApp.outputs.name

@description('Base URL of the HTTP API.')
output apiBaseUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Name of the console\'s Static Web App (the deploy workflow uploads web/dist to it).')
output consoleName string = console.outputs.name

@description('URL of the tenant console.')
output consoleUrl string = 'https://${console.outputs.defaultHostName}'

@description('The OpenID Connect issuer people sign in with (empty: API keys only); the console reads it from its config.')
output identityAuthority string = identityAuthority

@description('The audience of access tokens for the API.')
output identityAudience string = identityAudience

@description('Kafka bootstrap server of the Event Hubs namespace.')
output kafkaBootstrap string = eventHubs.outputs.kafkaBootstrap

@description('Host name of the PostgreSQL server.')
output postgresHost string = postgres.outputs.host

@description('Name of the Key Vault.')
output keyVaultName string = keyVault.outputs.name

@description('Event hubs created from bicep/topics.yaml.')
output eventHubNames array = eventHubs.outputs.eventHubNames

@description('Consumer groups created from bicep/topics.yaml, as hub/group.')
output consumerGroupNames array = eventHubs.outputs.consumerGroupNames
