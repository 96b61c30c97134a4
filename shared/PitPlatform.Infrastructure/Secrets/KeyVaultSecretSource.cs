using System.Collections.Concurrent;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace PitPlatform.Infrastructure.Secrets;

/// <summary>
/// Secrets read from Key Vault at run time, through a <see cref="SecretClient"/> (DefaultAzureCredential: the app's
/// managed identity in Azure), cached for <see cref="CacheDuration"/> so a busy path does not call Key Vault each time.
/// A setting name maps to a secret name in lower case with dashes (PIT_STRIPE_SECRET_KEY is pit-stripe-secret-key).
/// When Key Vault cannot be reached after the cache expired, the last value is kept (and a warning logged) rather than
/// failing work a rotated-but-still-valid key can do.
/// </summary>
public class KeyVaultSecretSource : ISecretSource, IDisposable
{
    public static readonly TimeSpan DefaultCacheDuration = TimeSpan.FromMinutes(5);
    private readonly SecretClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (string? Value, DateTimeOffset Until)> _cache = new(
        StringComparer.Ordinal
    );
    private readonly SemaphoreSlim _refresh = new(1, 1);

    /// <summary>For mocking.</summary>
    protected KeyVaultSecretSource()
    {
        _client = null!;
        _time = TimeProvider.System;
        _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    public KeyVaultSecretSource(
        SecretClient client,
        ILogger logger,
        TimeProvider? time = null,
        TimeSpan? cacheDuration = null
    )
    {
        _client = client;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        CacheDuration = cacheDuration ?? DefaultCacheDuration;
    }

    public TimeSpan CacheDuration { get; } = DefaultCacheDuration;

    public static string SecretName(string settingName) => settingName.Replace('_', '-').ToLowerInvariant();

    public virtual async ValueTask<string?> GetSecretAsync(
        string settingName,
        CancellationToken cancellationToken = default
    )
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(settingName, out var cached) && cached.Until > now)
            return cached.Value;
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cache.TryGetValue(settingName, out cached) && cached.Until > _time.GetUtcNow())
                return cached.Value;
            string? value;
            try
            {
                value = (
                    await _client
                        .GetSecretAsync(SecretName(settingName), cancellationToken: cancellationToken)
                        .ConfigureAwait(false)
                )
                    .Value
                    .Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                value = null;
            }
            catch (Exception e)
                when (e is RequestFailedException or Azure.Identity.AuthenticationFailedException
                    && _cache.ContainsKey(settingName)
                )
            {
                // Stale beats none: the cached value was valid minutes ago. Try again after a short pause, not every
                // call.
                _logger.LogWarning(
                    "Key Vault unavailable refreshing secret {Secret}; keeping the cached value: {Error}",
                    SecretName(settingName),
                    e.Message
                );
                _cache[settingName] = (cached.Value, _time.GetUtcNow() + TimeSpan.FromSeconds(30));
                return cached.Value;
            }
            _cache[settingName] = (value, _time.GetUtcNow() + CacheDuration);
            return value;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
            _refresh.Dispose();
    }
}
