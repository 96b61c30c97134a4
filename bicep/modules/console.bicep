// The tenant console (web/dist): an Azure Static Web App on the Free plan. Static files from a global edge, the SPA
// fallback from staticwebapp.config.json, no compute of its own; the console calls the Functions app's API across
// origins (the app's CORS allows exactly this site). The deploy workflow uploads the build with the site's deployment
// token, read at deploy time with the workflow's Azure login (no stored secret).

@description('Static Web App name.')
param name string

@description('Region of the site\'s metadata; Static Web Apps exist in a few regions only (the content is served from the edge).')
@allowed(['westeurope', 'westus2', 'centralus', 'eastus2', 'eastasia'])
param location string

@description('Free (no charge, no SLA) or Standard (SLA, custom authentication, linked backends).')
@allowed(['Free', 'Standard'])
param sku string = 'Free'

@description('Tags applied to every resource.')
param tags object = {}

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    // Content comes from the deploy workflow, not from a repository the platform would watch.
    provider: 'None'
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

@description('Name of the Static Web App (the workflow reads its deployment token by name).')
output name string = site.name

@description('Default host name, e.g. <name>.azurestaticapps.net.')
output defaultHostName string = site.properties.defaultHostname
