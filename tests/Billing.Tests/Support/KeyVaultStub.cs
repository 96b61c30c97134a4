using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PitPlatform.Billing.Tests.Support;

/// <summary>
/// Key Vault cannot run here, so this Kestrel stub (HTTPS with a throwaway self-signed certificate, as the SDK sends
/// bearer tokens only over TLS) answers the Get Secret REST call the way Key Vault does: a 401 bearer challenge first,
/// then the secret bundle, or 404 SecretNotFound. Tests build a real <see cref="SecretClient"/> against it.
/// </summary>
public sealed class KeyVaultStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private KeyVaultStub(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public Uri VaultUri { get; private set; } = null!;
    public ConcurrentDictionary<string, string> Secrets { get; } = new();

    /// <summary>Authorized Get Secret calls, by secret name.</summary>
    public ConcurrentQueue<string> Reads { get; } = new();
    public bool Down { get; set; }

    public static async Task<KeyVaultStub> StartAsync(CancellationToken cancellationToken)
    {
        var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
            k.Listen(IPAddress.Loopback, 0, listen =>
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate })
            )
        );
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new KeyVaultStub(app, certificate);
        app.Run(stub.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        stub.VaultUri = new Uri(address.Replace("[::]", "127.0.0.1") + "/");
        return stub;
    }

    /// <summary>
    /// A real SecretClient for this stub: trusts only its certificate, no SDK retries, a fixed token.
    /// </summary>
    public SecretClient Client()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
                presented?.Thumbprint == _certificate.Thumbprint,
        };
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(handler),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = 0;
        return new SecretClient(VaultUri, new FixedTokenCredential(), options);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Trim('/').Split('/');
        if (segments is not ["secrets", var name, ..])
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate =
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-00000000000"
                + "0\", resource=\"https://vault.azure.net\"";
            return;
        }
        if (Down)
        {
            context.Response.StatusCode = 503;
            return;
        }
        Reads.Enqueue(name);
        context.Response.ContentType = "application/json";
        if (!Secrets.TryGetValue(name, out var value))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync(
                JsonSerializer.Serialize(
                    new
                    {
                        error = new
                        {
                            code = "SecretNotFound",
                            message = $"A secret with (name/id) {name} was not found in this key vault.",
                        },
                    }
                )
            );
            return;
        }
        await context.Response.WriteAsync(
            JsonSerializer.Serialize(
                new Dictionary<string, object>
                {
                    ["value"] = value,
                    ["id"] = $"{VaultUri}secrets/{name}/0123456789abcdef0123456789abcdef",
                    ["attributes"] = new Dictionary<string, object>
                    {
                        ["enabled"] = true,
                        ["created"] = 1_764_547_200,
                        ["updated"] = 1_764_547_200,
                    },
                }
            )
        );
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddDays(1)
        );
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    /// <summary>Stands in for DefaultAzureCredential, which needs Entra ID.</summary>
    private sealed class FixedTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("stub-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(
            TokenRequestContext requestContext,
            CancellationToken cancellationToken
        ) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
