using Azure.Core;
using Confluent.Kafka;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// Entra ID tokens for Event Hubs' Kafka endpoint (SASL OAUTHBEARER), from a <see cref="TokenCredential"/> such as
/// DefaultAzureCredential (the Function App's managed identity in Azure). librdkafka asks again before expiry.
/// </summary>
public class EventHubsTokenProvider(TokenCredential credential, string bootstrapServers)
{
    /// <summary>https://{namespace}.servicebus.windows.net/.default, from the first bootstrap server.</summary>
    public string Scope { get; } = $"https://{bootstrapServers.Split(',')[0].Split(':')[0].Trim()}/.default";

    public virtual AccessToken GetToken(CancellationToken cancellationToken = default) =>
        credential.GetToken(new TokenRequestContext([Scope]), cancellationToken);

    /// <summary>
    /// The callback librdkafka calls (SetOAuthBearerTokenRefreshHandler) for producers, consumers and admin clients.
    /// </summary>
    public void Refresh(IClient client, string _)
    {
        try
        {
            var token = GetToken();
            client.OAuthBearerSetToken(token.Token, token.ExpiresOn.ToUnixTimeMilliseconds(), "pit");
        }
        catch (Exception e)
        {
            // librdkafka retries; the error reaches the client's error handler and the logs.
            client.OAuthBearerSetTokenFailure($"could not get an Entra token for {Scope}: {e.Message}");
        }
    }
}
