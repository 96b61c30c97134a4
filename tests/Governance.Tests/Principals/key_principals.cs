using System.Net;
using System.Net.Http.Json;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Principals;

/// <summary>A key names who holds it; approvals compare these principals.</summary>
public sealed class key_principals(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestPipeline _pipeline = null!;

    public async ValueTask InitializeAsync() =>
        _pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task a_principal_set_at_creation_is_listed_and_authenticated()
    {
        var (key, prefix) = await Keys.CreateAsync(_pipeline, ["approver"], principal: "bob@acme.example");

        var listed = (await Json.ReadAsync(await _pipeline.Http.GetAsync("/v1/admin/keys", Ct)))
            .GetProperty("data")
            .EnumerateArray()
            .Single(k => k.GetProperty("prefix").GetString() == prefix);
        var authenticated = await _pipeline.Service<ApiKeyAuthenticator>().AuthenticateAsync("Bearer " + key, Ct);

        Assert.Equal("bob@acme.example", listed.GetProperty("principal").GetString());
        Assert.Equal("bob@acme.example", authenticated!.Principal);
    }

    [Fact]
    public async Task without_a_principal_the_prefix_stands_for_the_holder()
    {
        var (key, prefix) = await Keys.CreateAsync(_pipeline, ["read"]);

        var authenticated = await _pipeline.Service<ApiKeyAuthenticator>().AuthenticateAsync("Bearer " + key, Ct);

        Assert.Equal(prefix, authenticated!.Principal);
        Assert.Equal(
            _pipeline.Host.DevKey.Prefix,
            (
                await _pipeline.Service<ApiKeyAuthenticator>().AuthenticateAsync("Bearer " + _pipeline.Host.DevKey, Ct)
            )!.Principal
        );
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    public async Task a_bad_principal_is_refused(string principal)
    {
        var response = await _pipeline.Http.PostAsJsonAsync(
            "/v1/admin/keys",
            new
            {
                scopes = new[] { "read" },
                name = "x",
                principal,
            },
            Ct
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_VALIDATION", await Json.ErrorCodeAsync(response));
    }
}
