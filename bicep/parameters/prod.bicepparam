// prod: Premium Event Hubs (90 days retention, zone redundancy), General Purpose Postgres with HA, warm HTTP instances.
// Secrets come from the environment of whoever deploys (GitHub environment secrets); they are never written here.
using '../main.bicep'

param environmentName = 'prod'
param eventHubsSku = 'Premium'
param eventHubsCapacity = 1
param postgresSkuName = 'Standard_D2ds_v5'
param postgresSkuTier = 'GeneralPurpose'
param postgresStorageGB = 128
param postgresHighAvailability = true
param functionMaximumInstanceCount = 100
param functionInstanceMemoryMB = 2048
param functionAlwaysReadyHttpInstances = 1
param keyVaultPurgeProtection = true
param alertEmails = split(readEnvironmentVariable('PIT_ALERT_EMAILS', ''), ',')

param apiKeyPepper = readEnvironmentVariable('PIT_API_KEY_PEPPER')
param redactionSecret = readEnvironmentVariable('PIT_REDACTION_SECRET')
param pageTokenSecret = readEnvironmentVariable('PIT_PAGE_TOKEN_SECRET')
param stripeSecretKey = readEnvironmentVariable('PIT_STRIPE_SECRET_KEY', '')

// Sign-in for people with Microsoft Entra ID (docs/runbooks/tenants.md): the tenant's issuer and the API app
// registration's Application ID URI; not secrets. Empty leaves the API on API keys only.
param identityAuthority = readEnvironmentVariable('PIT_OIDC_AUTHORITY', '')
param identityAudience = readEnvironmentVariable('PIT_OIDC_AUDIENCE', '')
