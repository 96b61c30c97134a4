using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PitPlatform.Billing.Tests.Support;
using PitPlatform.Hosting;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Billing.Tests.Settings;

/// <summary>
/// The local host process, run with known secrets (API keys, pepper, redaction secret, Stripe key, a Postgres password)
/// and driven through successes and failures (a billing run with a refused customer and a skipped tenant, wrong keys,
/// secrets sent as bearer tokens, bad input): no line it writes contains any of them.
/// </summary>
public sealed class secrets_never_logged(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task no_secret_value_appears_in_any_line_the_host_writes()
    {
        const string devKey = "pit_logscan1_abcdefghijklmnopqrstuvwxyz012345";
        const string pepper = "PEPPER-never-logged-9f8e7d6c5b4a";
        const string redactionSecret = "REDACTION-never-logged-0123456789abcdef";
        const string postgresPassword = "PGPASS-never-logged-31337";
        const string wrongSecret = "pit_logscan1_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
        await using var database = await postgres.CreateDatabaseAsync();
        await using var stub = await StripeStub.StartAsync(Ct);
        var yesterday = DateOnly
            .FromDateTime(DateTime.UtcNow)
            .AddDays(-1)
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await database.ExecuteAsync(
            $"""
            INSERT INTO events_daily VALUES ('demo', '{yesterday}', 'pit.v1.exec.trade_fill', 12), ('broken', '{yesterday}', 'pit.v1.exec.trade_fill', 5),
                                            ('orphan', '{yesterday}', 'pit.v1.exec.trade_fill', 3);
            INSERT INTO billing_customers (tenant, stripe_customer_id, updated_by) VALUES ('demo', 'cus_demo', 'test'), ('broken', 'cus_broken', 'test');
            """
        );
        stub.FailCustomer("cus_broken", 400, "invalid_request_error", "No such customer: 'cus_broken'");
        var naming = await kafka.CreateCatalogTopicsAsync();

        await using var host = LocalHostProcess.Start(
            new Dictionary<string, string>
            {
                [SettingNames.Postgres] = database.ConnectionString + ";Password=" + postgresPassword,
                [SettingNames.KafkaBootstrap] = kafka.BootstrapServers,
                [SettingNames.KafkaPrefix] = naming.Prefix,
                [SettingNames.Blob] = blob.ConnectionString,
                [SettingNames.ArchiveContainer] = "logscan-" + Guid.NewGuid().ToString("N")[..16],
                [SettingNames.ApiKeyPepper] = pepper,
                [SettingNames.RedactionSecret] = redactionSecret,
                ["PIT_DEV_API_KEY"] = devKey,
                [SettingNames.StripeSecretKey] = StripeStub.SecretKey,
                [SettingNames.StripeApiBase] = stub.Endpoint.ToString(),
                [SettingNames.BillingSettleHours] = "0",
                ["PIT_LOG_FORMAT"] = "json",
            }
        );
        Assert.True(
            await host.WaitUntilListeningOrExitedAsync(TimeSpan.FromSeconds(90), Ct),
            string.Join('\n', host.Lines)
        );
        await Eventually.WaitForAsync(
            () =>
                Task.FromResult(
                    host.Lines.Count(l =>
                        l.Contains("cus_broken", StringComparison.Ordinal)
                        || l.Contains("No such customer", StringComparison.Ordinal)
                    )
                ),
            n => n > 0 && stub.Total("cus_demo", "pit_events") == 12,
            TimeSpan.FromSeconds(60),
            "the first billing run"
        );

        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var created = await SendAsync(
            http,
            HttpMethod.Post,
            "/v1/admin/keys",
            devKey,
            """{"scopes":["ingest","read"],"name":"scan"}"""
        );
        var createdKey = System
            .Text.Json.JsonDocument.Parse(created.Body)
            .RootElement.GetProperty("data")
            .GetProperty("key")
            .GetString()!;
        Assert.Equal(
            HttpStatusCode.OK,
            (await SendAsync(http, HttpMethod.Get, "/v1/billing/usage", createdKey)).Status
        );
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, "/v1/usage", createdKey)).Status);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SendAsync(http, HttpMethod.Get, "/v1/billing/usage", wrongSecret)).Status
        );
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SendAsync(http, HttpMethod.Get, "/v1/usage", StripeStub.SecretKey)).Status
        );
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/v1/usage", pepper)).Status);
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await SendAsync(http, HttpMethod.Get, "/v1/billing/usage?period=" + pepper, createdKey)).Status
        );
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await SendAsync(http, HttpMethod.Post, "/v1/events", createdKey, "{\"data\": [" + postgresPassword)).Status
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await SendAsync(http, HttpMethod.Post, "/v1/admin/keys", createdKey, "{}")).Status
        );
        await host.DisposeAsync(); // stopped, so every line it wrote is in

        var secrets = new[]
        {
            devKey,
            devKey[13..],
            createdKey,
            createdKey[13..],
            pepper,
            redactionSecret,
            postgresPassword,
            StripeStub.SecretKey,
            wrongSecret[13..],
        };
        var lines = host.Lines.ToList();
        Assert.True(lines.Count > 5, "the host wrote too little to prove anything:\n" + string.Join('\n', lines));
        Assert.Contains(lines, l => l.Contains("billing", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            var leaking = lines.Where(l => l.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaking.Count == 0, $"a secret ({secret[..6]}...) was written:\n{string.Join('\n', leaking)}");
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(
        HttpClient http,
        HttpMethod method,
        string path,
        string key,
        string? json = null
    )
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, Ct);
        var status = response.StatusCode == HttpStatusCode.Created ? HttpStatusCode.OK : response.StatusCode;
        return (status, await response.Content.ReadAsStringAsync(Ct));
    }
}
