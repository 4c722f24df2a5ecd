// GameBackend on Azure: one cell (docs/deploy-azure.md).
//
// A Flex Consumption function app running src/Hosts.Azure as a custom handler, with what it talks to: Cosmos DB
// (serverless, TTL on) for documents, an Event Hubs namespace (its Kafka endpoint) for events, a storage account for
// the Parquet archive, Azure Cache for Redis for ranks, Key Vault for the keys that cannot be identities, Application
// Insights, and one user-assigned managed identity holding only the roles the host needs.
//
// Build and lint offline: bicep build templates/azure/main.bicep; bicep lint templates/azure/main.bicep
// (Hosts.Azure.Tests runs both with the Bicep CLI from NuGet.)

targetScope = 'resourceGroup'

@description('Region of every resource; Flex Consumption must be available there (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short name of the deployment; part of every resource name (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param name string

@description('Which kind of cell this is: one game (dedicated), many games with quotas (shared), or inside a customer\'s own subscription (enterprise). Sizes the function app and the cache.')
@allowed([
  'dedicated'
  'shared'
  'enterprise'
])
param cellType string = 'dedicated'

@description('Deployment stage; prod gets a Standard (replicated) cache and keeps deleted keys longer.')
@allowed([
  'dev'
  'test'
  'prod'
])
param stage string = 'dev'

@description('Six-field NCRONTAB (seconds first) of the matchmaking tick. Under a minute keeps one instance warm.')
param matchmakingTickSchedule string = '*/5 * * * * *'

@description('Runs the analytics ingest function (Kafka trigger); false leaves events on the event hub for another consumer.')
param analyticsIngestEnabled bool = true

@description('Partitions of the events hub: the most consumers that can read it in parallel.')
@minValue(1)
@maxValue(32)
param eventPartitions int = 4

@description('Days events stay on the hub (a consumer can fall behind by this much and still catch up).')
@minValue(1)
@maxValue(7)
param eventRetentionDays int = 7

var suffix = uniqueString(resourceGroup().id, name)
var baseName = toLower('${name}${stage}')
var tags = {
  application: 'gamebackend'
  cell: name
  cellType: cellType
  stage: stage
}

// Sizing per cell type; never a code branch, only these numbers.
var sizes = {
  dedicated: {
    maximumInstanceCount: 40
    instanceMemoryMB: 2048
  }
  shared: {
    maximumInstanceCount: 200
    instanceMemoryMB: 2048
  }
  enterprise: {
    maximumInstanceCount: 100
    instanceMemoryMB: 4096
  }
}
var redisSku = stage == 'prod'
  ? {
      name: 'Standard'
      family: 'C'
      capacity: cellType == 'shared' ? 2 : 1
    }
  : {
      name: 'Basic'
      family: 'C'
      capacity: 0
    }

// The function names of src/Hosts.Azure/FunctionApp (AzureFunctionNames); Hosts.Azure.Tests keeps the three in step.
var functionNames = [
  'Api'
  'Healthz'
  'Readyz'
  'OpenApi'
  'MatchmakingTick'
  'AnalyticsIngest'
]

var cosmosDatabaseName = 'gamebackend'
var cosmosContainerName = 'documents'
var eventHubName = 'gamebackend-events'
var ingestConsumerGroup = 'analytics-ingest'
var deploymentContainerName = 'app-package'
var archiveContainerName = 'events'

// Built-in role definitions (ids are the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
// Cosmos DB's data-plane role (not an Azure RBAC role): read and write items, nothing on the account itself.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-${suffix}'
  location: location
  tags: tags
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // Telemetry only with the identity's token (Monitoring Metrics Publisher), not with the connection string alone.
    DisableLocalAuth: true
  }
}

// The Functions host's own storage (leases, timers' schedule, the deployment package). Identity only: no keys.
resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st${baseName}${suffix}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: hostStorage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: hostBlobs
  name: deploymentContainerName
}

// The Parquet archive (events/title=…/date=…/hour=…/…parquet), apart from the host's storage so its role and its
// lifecycle are its own.
resource archiveStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('sta${baseName}${suffix}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: stage == 'prod' ? 'Standard_ZRS' : 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
  }
}

resource archiveBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: archiveStorage
  name: 'default'
}

resource archiveContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: archiveBlobs
  name: archiveContainerName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: 'cosmos-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    // Strong: the store promises that a write is visible to the next read from any instance (the port's contract);
    // Session gives that only within one client, and every function instance has its own.
    consistencyPolicy: {
      defaultConsistencyLevel: 'Strong'
    }
    // Entra ID only (the managed identity's data-plane role); account keys are off.
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource cosmosDatabase 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: cosmos
  name: cosmosDatabaseName
  properties: {
    resource: {
      id: cosmosDatabaseName
    }
  }
}

// Exactly what Stores.Cosmos' CosmosDocumentContainer.Properties declares: /pk with hash v2, TTL on without a default
// (items expire only when they say so), only pk, skHex and exp indexed.
resource cosmosContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: cosmosDatabase
  name: cosmosContainerName
  properties: {
    resource: {
      id: cosmosContainerName
      partitionKey: {
        paths: [
          '/pk'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: -1
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/pk/?'
          }
          {
            path: '/skHex/?'
          }
          {
            path: '/exp/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

resource cosmosRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: identity.properties.principalId
    scope: '${cosmos.id}/dbs/${cosmosDatabaseName}'
  }
}

// Standard is the smallest tier with the Kafka endpoint.
resource eventHubs 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: 'evhns-${baseName}-${suffix}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    kafkaEnabled: true
    minimumTlsVersion: '1.2'
  }
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: eventHubs
  name: eventHubName
  properties: {
    partitionCount: eventPartitions
    messageRetentionInDays: eventRetentionDays
  }
}

resource ingestGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: eventHub
  name: ingestConsumerGroup
}

// SASL PLAIN on the Kafka endpoint takes a connection string; this rule reaches this one hub only (send for the event
// bus, listen for the trigger), not the namespace.
resource eventHubAccess 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2024-01-01' = {
  parent: eventHub
  name: 'gamebackend-host'
  properties: {
    rights: [
      'Send'
      'Listen'
    ]
  }
}

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: 'redis-${baseName}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: redisSku
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    redisConfiguration: {
      // Ranks are rebuilt from the store when they vanish, but a half-evicted board would answer wrong ranks.
      'maxmemory-policy': 'noeviction'
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv-${baseName}-${suffix}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: stage == 'prod' ? 90 : 7
    enablePurgeProtection: stage == 'prod' ? true : null
  }
}

resource eventHubsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'eventhubs-connection-string'
  properties: {
    value: eventHubAccess.listKeys().primaryConnectionString
  }
}

resource redisSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-connection-string'
  properties: {
    value: '${redis.properties.hostName}:${redis.properties.sslPort},password=${redis.listKeys().primaryKey},ssl=True,abortConnect=False'
  }
}

resource hostStorageRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, identity.id, roles.storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource archiveRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: archiveContainer
  name: guid(archiveContainer.id, identity.id, roles.storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // The Functions host's storage, through the identity.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: hostStorage.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: insights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        // Documents: Cosmos DB through the identity (Stores.Cosmos, section Cosmos).
        {
          name: 'Cosmos__Endpoint'
          value: cosmos.properties.documentEndpoint
        }
        {
          name: 'Cosmos__Database'
          value: cosmosDatabaseName
        }
        {
          name: 'Cosmos__Container'
          value: cosmosContainerName
        }
        {
          name: 'Cosmos__ManagedIdentityClientId'
          value: identity.properties.clientId
        }
        // Raw events: Parquet on the archive storage, through the identity (Archive.Blob, section GameBackend:Archive:Blob).
        {
          name: 'GameBackend__Archive__Blob__ServiceUri'
          value: archiveStorage.properties.primaryEndpoints.blob
        }
        {
          name: 'GameBackend__Archive__Blob__ContainerName'
          value: archiveContainerName
        }
        {
          name: 'GameBackend__Azure__ManagedIdentityClientId'
          value: identity.properties.clientId
        }
        // Ranks: Azure Cache for Redis; its key lives in Key Vault.
        {
          name: 'GameBackend__Azure__RedisConnectionString'
          value: '@Microsoft.KeyVault(SecretUri=${redisSecret.properties.secretUri})'
        }
        {
          name: 'GameBackend__Azure__RedisKeyPrefix'
          value: 'gb'
        }
        // The timer of MatchmakingTick/function.json.
        {
          name: 'MatchmakingTickSchedule'
          value: matchmakingTickSchedule
        }
        // The Kafka trigger of AnalyticsIngest/function.json, on the Event Hubs Kafka endpoint (SASL PLAIN, TLS).
        {
          name: 'KafkaBrokerList'
          value: '${eventHubs.name}.servicebus.windows.net:9093'
        }
        {
          name: 'KafkaTopic'
          value: eventHubName
        }
        {
          name: 'KafkaConsumerGroup'
          value: ingestConsumerGroup
        }
        {
          name: 'KafkaUsername'
          value: '$ConnectionString'
        }
        {
          name: 'KafkaPassword'
          value: '@Microsoft.KeyVault(SecretUri=${eventHubsSecret.properties.secretUri})'
        }
        {
          name: 'AzureWebJobs.AnalyticsIngest.Disabled'
          value: analyticsIngestEnabled ? 'false' : 'true'
        }
        // The event bus the API publishes to: the same hub through the Kafka endpoint (Kafka adapter, GameBackend:Kafka).
        {
          name: 'GameBackend__Kafka__BootstrapServers'
          value: '${eventHubs.name}.servicebus.windows.net:9093'
        }
        {
          name: 'GameBackend__Kafka__Topic'
          value: eventHubName
        }
        {
          name: 'GameBackend__Kafka__SecurityProtocol'
          value: 'SaslSsl'
        }
        {
          name: 'GameBackend__Kafka__SaslMechanism'
          value: 'Plain'
        }
        {
          name: 'GameBackend__Kafka__SaslUsername'
          value: '$ConnectionString'
        }
        {
          name: 'GameBackend__Kafka__SaslPassword'
          value: '@Microsoft.KeyVault(SecretUri=${eventHubsSecret.properties.secretUri})'
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      // 'custom' is the custom-handler stack: host.json names the executable.
      runtime: {
        name: 'custom'
        version: '1.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: sizes[cellType].maximumInstanceCount
        instanceMemoryMB: sizes[cellType].instanceMemoryMB
      }
    }
  }
  dependsOn: [
    deploymentContainer
    hostStorageRole
    vaultRole
    cosmosRole
    cosmosContainer
    ingestGroup
    insightsRole
  ]
}

output functionAppName string = app.name
output apiBaseUrl string = 'https://${app.properties.defaultHostName}'
output functionNames array = functionNames
output cosmosEndpoint string = cosmos.properties.documentEndpoint
output eventHubsNamespace string = eventHubs.name
output archiveBlobEndpoint string = archiveStorage.properties.primaryEndpoints.blob
output identityClientId string = identity.properties.clientId
