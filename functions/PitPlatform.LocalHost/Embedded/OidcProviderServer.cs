using System.Diagnostics;

namespace PitPlatform.LocalHost.Embedded;

/// <summary>
/// The embedded OpenID Connect provider (tools/oidc/provider.mjs over the oidc-provider package from node_modules),
/// standing in for Microsoft Entra ID on 127.0.0.1 as Azurite stands in for Blob. It prints its issuer and dev users;
/// <see cref="Lines"/> keeps them for the banner.
/// </summary>
public sealed class OidcProviderServer : IAsyncDisposable
{
    public const string DefaultAudience = "api://pit-platform";
    public const string ClientId = "pit-local";
    public const string RedirectUri = "http://127.0.0.1/callback";

    private readonly Process _process;

    private OidcProviderServer(
        Process process,
        Uri issuer,
        string audience,
        string operatorRole,
        IReadOnlyList<string> lines
    )
    {
        _process = process;
        Issuer = issuer;
        Audience = audience;
        OperatorRole = operatorRole;
        Lines = lines;
    }

    public Uri Issuer { get; }
    public string Audience { get; }
    public string OperatorRole { get; }

    /// <summary>What the provider printed on start: its address and a dev user per role.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <param name="otherAudiences">Other APIs the provider also issues tokens for (tests prove ours refuses
    /// them).</param>
    public static async Task<OidcProviderServer> StartAsync(
        string? audience = null,
        string? operatorRole = null,
        IReadOnlyList<string>? otherAudiences = null,
        CancellationToken cancellationToken = default
    )
    {
        audience ??= DefaultAudience;
        operatorRole ??= Access.People.IdentitySettings.DefaultOperatorRole;
        var root = RepositoryRoot.Find()
            ?? throw new InvalidOperationException("the repository root (with tools/oidc) was not found");
        var script = Path.Combine(root, "tools", "oidc", "provider.mjs");
        if (!Directory.Exists(Path.Combine(root, "node_modules", "oidc-provider")))
            throw new InvalidOperationException(
                "oidc-provider not found: run `npm ci` at the repository root (./pit setup does)"
            );
        var info = new ProcessStartInfo("node")
        {
            // stdin is a pipe the provider watches: it exits when this process dies, even by SIGKILL.
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        info.ArgumentList.Add(script);
        info.Environment["PIT_OIDC_PORT"] = FreePort.Find().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PIT_OIDC_AUDIENCE"] = audience;
        info.Environment["PIT_OIDC_OPERATOR_ROLE"] = operatorRole;
        info.Environment["PIT_OIDC_CLIENT_ID"] = ClientId;
        info.Environment["PIT_OIDC_OTHER_AUDIENCES"] = string.Join(',', otherAudiences ?? []);
        var process = Process.Start(info)
            ?? throw new InvalidOperationException("could not start node for the OpenID Connect provider");
        var lines = new List<string>();
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (lines)
                lines.Add(e.Data);
            if (e.Data.StartsWith("Identity provider: ", StringComparison.Ordinal))
                started.TrySetResult(new Uri(e.Data["Identity provider: ".Length..]));
        };
        process.ErrorDataReceived += (_, _) => { }; // its development-only warnings
        process.Exited += (_, _) =>
            started.TrySetException(
                new InvalidOperationException($"the OpenID Connect provider exited ({process.ExitCode})")
            );
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var issuer = await started
                .Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken)
                .ConfigureAwait(false);
            await Task.Delay(200, cancellationToken).ConfigureAwait(false); // the dev user lines follow the address
            lock (lines)
                return new OidcProviderServer(process, issuer, audience, operatorRole, [.. lines]);
        }
        catch
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
    }
}
