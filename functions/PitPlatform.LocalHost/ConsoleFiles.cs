using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Embedded;

namespace PitPlatform.LocalHost;

/// <summary>
/// Serves the tenant console (web/dist, built by `./pit up`) at / as static files with an SPA fallback to index.html
/// for page navigations (a request that accepts text/html), plus /console/config.json (where people sign in). Any
/// other request for a path that is no file, such as an API client's typo, gets the API's 404 error body as before. A
/// middleware, not endpoints: only GET and HEAD requests that no route took and that are not API, health or metrics
/// paths reach it, so /v1, /livez, /healthz and /metrics answer as before (with the API's error body for their 404s).
/// </summary>
public static class ConsoleFiles
{
    /// <summary>The built console's folder; default web/dist of the checkout.</summary>
    public const string DirectorySetting = "PIT_CONSOLE_DIR";

    /// <summary>
    /// The console's OpenID Connect client id (an Entra ID SPA registration); default the embedded provider's.
    /// </summary>
    public const string ClientIdSetting = "PIT_CONSOLE_CLIENT_ID";

    public const string ConfigPath = "/console/config.json";

    private static readonly string[] NotConsole = ["/v1", "/livez", "/healthz", PitLocalHost.MetricsPath];

    /// <summary>The console's folder when it has been built (an index.html), else null.</summary>
    public static string? Find(IConfiguration configuration)
    {
        var directory =
            configuration[DirectorySetting] is { Length: > 0 } configured ? configured
            : RepositoryRoot.Find() is { } root ? Path.Combine(root, "web", "dist")
            : null;
        return directory is not null && File.Exists(Path.Combine(directory, "index.html"))
            ? Path.GetFullPath(directory)
            : null;
    }

    public static void Use(WebApplication app, string directory)
    {
        var files = new PhysicalFileProvider(directory);
        var types = new FileExtensionContentTypeProvider();
        var configuration = app.Configuration;
        app.Use(
            async (context, next) =>
            {
                var path = context.Request.Path.Value ?? "/";
                if (
                    context.GetEndpoint() is not null
                    || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                    || NotConsole.Any(prefix =>
                        path.Equals(prefix, StringComparison.Ordinal)
                        || path.StartsWith(prefix + "/", StringComparison.Ordinal)
                    )
                )
                {
                    await next(context).ConfigureAwait(false);
                    return;
                }
                if (path == ConfigPath)
                {
                    context.Response.Headers.CacheControl = "no-store";
                    await Results.Json(Config(configuration)).ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }
                var file = files.GetFileInfo(path);
                if (!file.Exists || file.IsDirectory)
                {
                    // A page navigation to a path that is not a file is one of the console's screens (/keys,
                    // /callback...).
                    if (!AcceptsHtml(context.Request))
                    {
                        await next(context).ConfigureAwait(false);
                        return;
                    }
                    file = files.GetFileInfo("/index.html");
                }
                var immutable = path.StartsWith("/assets/", StringComparison.Ordinal) && file.Name != "index.html";
                context.Response.Headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "no-cache";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.ContentType = types.TryGetContentType(file.Name, out var type)
                    ? type
                    : "application/octet-stream";
                context.Response.ContentLength = file.Length;
                if (HttpMethods.IsHead(context.Request.Method))
                    return;
                await context.Response.SendFileAsync(file, context.RequestAborted).ConfigureAwait(false);
            }
        );
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// What the browser needs to sign people in: no secret (the console is a public client with PKCE).
    /// </summary>
    private static object Config(IConfiguration configuration)
    {
        var authority = configuration[SettingNames.OidcAuthority] is { Length: > 0 } a ? a : null;
        var clientId =
            configuration[ClientIdSetting] is { Length: > 0 } c ? c
            : authority is null ? null
            : OidcProviderServer.ClientId;
        return new
        {
            authority,
            clientId,
            audience = configuration[SettingNames.OidcAudience],
        };
    }
}
