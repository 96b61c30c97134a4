using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Billing.Metering;
using PitPlatform.Billing.Stripe;
using PitPlatform.Testing;

namespace PitPlatform.Billing.Tests.Support;

/// <summary>
/// A billing reporter on a private Postgres schema (every migration applied) and a Stripe stub, on a clock set to
/// 2026-11-23 06:00 UTC: with the default 2-hour settle delay, 2026-11-22 is the last day reported.
/// </summary>
internal sealed class BillingHarness : IAsyncDisposable
{
    public static readonly DateOnly Yesterday = new(2026, 11, 22);

    private BillingHarness(TestDatabase database, StripeStub stub, BillingSettings settings)
    {
        Database = database;
        Stub = stub;
        Settings = settings;
        Store = new BillingStore(database.DataSource);
        Ledger = new BillingLedger(
            database.DataSource,
            new PitPlatform.Governance.Audit.AuditTrail(database.DataSource, TimeProvider.System)
        );
        Stripe = new StripeClient(
            StripeStub.SecretKey,
            new StripeClientOptions
            {
                Endpoint = stub.Endpoint,
                MaxRetries = 1,
                RetryDelay = TimeSpan.FromMilliseconds(5),
                MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            }
        );
        Reporter = new BillingReporter(
            Store,
            new UsageMeterReader(database.DataSource),
            Stripe,
            settings,
            Ledger,
            Clock,
            NullLogger<BillingReporter>.Instance
        );
    }

    public TestDatabase Database { get; }
    public StripeStub Stub { get; }
    public BillingSettings Settings { get; }
    public BillingStore Store { get; }
    public BillingLedger Ledger { get; }
    public StripeClient Stripe { get; }
    public FixedClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
    public BillingReporter Reporter { get; }

    public static async Task<BillingHarness> StartAsync(PostgresFixture postgres, CancellationToken cancellationToken)
    {
        var database = await postgres.CreateDatabaseAsync();
        var stub = await StripeStub.StartAsync(cancellationToken);
        return new BillingHarness(
            database,
            stub,
            new BillingSettings { Enabled = true, StripeEndpoint = stub.Endpoint }
        );
    }

    /// <summary>Sets the aggregates the usage aggregator keeps (absolute totals, as it writes them).</summary>
    public async Task EventsAsync(string tenant, DateOnly day, long events, string topic = "pit.v1.exec.trade_fill") =>
        await Database.ExecuteAsync(
            $"""
            INSERT INTO events_daily (tenant, day, topic, events) VALUES ('{tenant}', '{day:yyyy-MM-dd}', '{topic}', {events})
            ON CONFLICT (tenant, day, topic) DO UPDATE SET events = excluded.events
            """
        );

    public async Task LlmAsync(
        string tenant,
        DateOnly day,
        long inputTokens,
        long outputTokens,
        long costMicros,
        string model = "gpt-4o",
        string currency = "USD"
    ) =>
        await Database.ExecuteAsync(
            $"""
            INSERT INTO usage_daily (tenant, day, model, currency, calls, input_tokens, output_tokens, cost_micros)
            VALUES ('{tenant}', '{day:yyyy-MM-dd}', '{model}', '{currency}', 1, {inputTokens}, {outputTokens}, {costMicros})
            ON CONFLICT (tenant, day, model, currency) DO UPDATE SET input_tokens = excluded.input_tokens,
                output_tokens = excluded.output_tokens, cost_micros = excluded.cost_micros
            """
        );

    public Task CustomerAsync(string tenant, string customer, CancellationToken cancellationToken) =>
        Ledger.SetCustomerAsync(
            tenant,
            customer,
            PitPlatform.Governance.Audit.AuditActor.ForSystem("test"),
            cancellationToken
        );

    public Task<long> PendingAsync() => Database.CountAsync("billing_reports", "status = 'pending'");

    public async ValueTask DisposeAsync()
    {
        await Stub.DisposeAsync();
        await Database.DisposeAsync();
    }
}
