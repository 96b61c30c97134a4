using System.Net.Http.Headers;
using System.Net.Http.Json;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Embedded;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.People;

/// <summary>
/// The embedded OpenID Connect provider and a pipeline that trusts it: people sign in through the code flow with
/// PKCE and call the API with their access tokens.
/// </summary>
internal sealed class PeopleApi(OidcProviderServer provider, TestPipeline pipeline) : IAsyncDisposable
{
    public const string OtherApi = "api://another-app";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public OidcProviderServer Provider { get; } = provider;
    public TestPipeline Pipeline { get; } = pipeline;

    public static async Task<PeopleApi> StartAsync(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
    {
        var provider = await OidcProviderServer.StartAsync(otherAudiences: [OtherApi], cancellationToken: Ct);
        try
        {
            var pipeline = await TestPipeline.StartAsync(
                await postgres.CreateDatabaseAsync(migrate: false),
                kafka,
                blob,
                runConsumers: false,
                new Dictionary<string, string?>
                {
                    [SettingNames.OidcAuthority] = provider.Issuer.ToString(),
                    [SettingNames.OidcAudience] = provider.Audience,
                }
            );
            return new PeopleApi(provider, pipeline);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client holding the dev user's access token, acting in <paramref name="tenant"/> when named.</summary>
    public async Task<HttpClient> SignInAsync(string login, string? tenant = null, string? resource = null)
    {
        var token = await OidcSignIn.AccessTokenAsync(Provider, login, resource, Ct);
        return WithToken(token, tenant);
    }

    public HttpClient WithToken(string token, string? tenant = null)
    {
        var client = new HttpClient { BaseAddress = Pipeline.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (tenant is not null)
            client.DefaultRequestHeaders.Add("Pit-Tenant", tenant);
        return client;
    }

    /// <summary>
    /// Adds the dev user to a tenant through /v1/members with <paramref name="admin"/> (default: the dev key, admin of
    /// demo).
    /// </summary>
    public async Task AddMemberAsync(string subject, string role, HttpClient? admin = null, string? email = null)
    {
        var response = await (admin ?? Pipeline.Http).PostAsJsonAsync(
            "/v1/members",
            new
            {
                subject,
                role,
                email,
            },
            Ct
        );
        Assert.True(
            response.StatusCode == System.Net.HttpStatusCode.Created,
            await response.Content.ReadAsStringAsync(Ct)
        );
    }

    public HttpClient Operator() => Keys.Client(Pipeline, Pipeline.Host.OperatorKey.ToString());

    public async ValueTask DisposeAsync()
    {
        await Pipeline.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
