namespace Microsoft.Azure.Functions.Worker;

/// <summary>
/// The broker's security protocol (librdkafka's security.protocol); values as in the published package.
/// </summary>
public enum BrokerProtocol
{
    NotSet = -1,
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}
