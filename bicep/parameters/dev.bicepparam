// dev: smallest pay-per-use footprint. Secrets come from the environment of whoever deploys (the deploy workflow
// maps them from GitHub environment secrets); they are never written here.
using '../main.bicep'

param environmentName = 'dev'
param eventHubsSku = 'Standard'
param eventHubsCapacity = 1
param eventHubsMaximumThroughputUnits = 2
param postgresSkuName = 'Standard_B1ms'
param postgresSkuTier = 'Burstable'
param postgresStorageGB = 32
param postgresHighAvailability = false
param functionMaximumInstanceCount = 20
param functionInstanceMemoryMB = 2048
param functionAlwaysReadyHttpInstances = 0
param keyVaultPurgeProtection = false
param alertEmails = []

param apiKeyPepper = readEnvironmentVariable('PIT_API_KEY_PEPPER')
param redactionSecret = readEnvironmentVariable('PIT_REDACTION_SECRET')
param pageTokenSecret = readEnvironmentVariable('PIT_PAGE_TOKEN_SECRET')
param stripeSecretKey = readEnvironmentVariable('PIT_STRIPE_SECRET_KEY', '')

// Sign-in for people with Microsoft Entra ID (docs/runbooks/tenants.md): the tenant's issuer and the API app
// registration's Application ID URI; not secrets. Empty leaves the API on API keys only.
param identityAuthority = readEnvironmentVariable('PIT_OIDC_AUTHORITY', '')
param identityAudience = readEnvironmentVariable('PIT_OIDC_AUDIENCE', '')
