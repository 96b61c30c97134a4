namespace Microsoft.Azure.Functions.Worker;

/// <summary>The SASL mechanism (librdkafka's sasl.mechanism); values as in the published package.</summary>
public enum BrokerAuthenticationMode
{
    NotSet = -1,
    Gssapi,
    Plain,
    ScramSha256,
    ScramSha512,
    OAuthBearer,
}
