using Azure.Core;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using PitPlatform.Hosting;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>
/// Event Hubs' Kafka endpoint: SASL PLAIN with a connection string, or OAUTHBEARER with an Entra token.
/// </summary>
public sealed class event_hubs_authentication
{
    private static PitSettings Settings(
        string auth,
        TokenCredential? credential = null,
        string? connectionString = null
    ) =>
        PitSettings.FromConfiguration(
            new ConfigurationBuilder()
                .AddInMemoryCollection(
                    new Dictionary<string, string?>
                    {
                        [SettingNames.KafkaBootstrap] = "pitns.servicebus.windows.net:9093",
                        [SettingNames.KafkaAuth] = auth,
                        [SettingNames.KafkaConnectionString] = connectionString,
                        [SettingNames.Postgres] = "Host=db;Username=pit",
                        [SettingNames.Blob] = "UseDevelopmentStorage=true",
                        [SettingNames.ApiKeyPepper] = "a-pepper-of-sixteen-chars",
                        [SettingNames.RedactionSecret] = "a-redaction-secret-of-at-least-32-bytes",
                    }
                )
                .Build(),
            credential
        );

    [Fact]
    public void managed_identity_uses_oauthbearer_with_a_token_for_the_namespace()
    {
        var credential = new RecordingCredential();
        var kafka = Settings("managed-identity", credential).Kafka;
        var config = new ProducerConfig();
        kafka.Apply(config);

        var token = kafka.TokenProvider!.GetToken(TestContext.Current.CancellationToken);

        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.OAuthBearer, config.SaslMechanism);
        Assert.Equal("https://pitns.servicebus.windows.net/.default", kafka.TokenProvider.Scope);
        Assert.Equal(["https://pitns.servicebus.windows.net/.default"], credential.Scopes);
        Assert.Equal("token-1", token.Token);
    }

    [Fact]
    public void a_connection_string_uses_sasl_plain_as_event_hubs_asks()
    {
        var kafka = Settings(
            "connection-string",
            connectionString: "Endpoint=sb://pitns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s"
        ).Kafka;
        var config = new ProducerConfig();
        kafka.Apply(config);

        Assert.Equal(SaslMechanism.Plain, config.SaslMechanism);
        Assert.Equal("$ConnectionString", config.SaslUsername);
        Assert.Null(kafka.TokenProvider);
    }

    [Fact]
    public void a_connection_string_mode_without_the_string_names_the_missing_setting()
    {
        var error = Assert.Throws<MissingSettingsException>(() => Settings("connection-string"));
        Assert.Contains(SettingNames.KafkaConnectionString, error.Message);
    }

    private sealed class RecordingCredential : TokenCredential
    {
        private int _issued;
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken($"token-{Interlocked.Increment(ref _issued)}", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(
            TokenRequestContext requestContext,
            CancellationToken cancellationToken
        ) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
