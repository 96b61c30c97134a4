using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Contracts.Keys;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// Envelopes of several tenants archived into the pipeline's real archive container (Azurite) by the real archiver.
/// </summary>
internal static class ArchivedData
{
    public const string FillTopic = "pit.v1.exec.trade_fill";
    public const string CallTopic = "pit.v1.runtime.llm_call";
    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "archive-deletion/test");
    private static readonly DateTimeOffset At = DateTimeOffset.Parse(
        "2026-11-30T10:00:00Z",
        System.Globalization.CultureInfo.InvariantCulture
    );

    /// <summary>
    /// One fill per (tenant, series, cell) given, at consecutive offsets from <paramref name="first"/>.
    /// </summary>
    public static IReadOnlyList<ConsumedRecord> Fills(
        long first,
        params (string Tenant, string Series, string Cell)[] owners
    ) =>
        [
            .. owners.Select(
                (o, i) =>
                    Record(
                        FillTopic,
                        first + i,
                        CanonicalKey.ForCell(o.Tenant, o.Series, o.Cell),
                        new TradeFillEvent
                        {
                            Instrument = "ACME",
                            Side = TradeSide.Buy,
                            Quantity = 1 + i,
                            PriceMicros = 1_000_000,
                            Currency = "USD",
                        }
                    )
            ),
        ];

    /// <summary>One LLM call per (tenant, user_ref_hash) given.</summary>
    public static IReadOnlyList<ConsumedRecord> Calls(long first, params (string Tenant, string Subject)[] callers) =>
        [
            .. callers.Select(
                (c, i) =>
                    Record(
                        CallTopic,
                        first + i,
                        CanonicalKey.ForSeries(c.Tenant, "assistant"),
                        new LlmCallEvent
                        {
                            Model = "gpt",
                            InputTokens = 1,
                            OutputTokens = 1,
                            CostMicros = 10,
                            Currency = "USD",
                            UserRefHash = c.Subject,
                        }
                    )
            ),
        ];

    public static Task ArchiveAsync(TestPipeline pipeline, IReadOnlyList<ConsumedRecord> records) =>
        new Archiver(
            pipeline.Service<ArchiveStorage>(),
            pipeline.Database.DataSource,
            TopicCatalog.Embedded,
            pipeline.Service<DeadLetterWriter>(),
            NullLogger<Archiver>.Instance
        ).HandleAsync(records, TestContext.Current.CancellationToken);

    public static BlobContainerClient Container(TestPipeline pipeline) => pipeline.Service<ArchiveStorage>().Container;

    /// <summary>Every blob of the container by name, with its bytes.</summary>
    public static async Task<Dictionary<string, byte[]>> SnapshotAsync(BlobContainerClient container)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (
            var item in container.GetBlobsAsync(
                BlobTraits.None,
                BlobStates.None,
                prefix: null,
                cancellationToken: TestContext.Current.CancellationToken
            )
        )
            blobs[item.Name] = (
                await container.GetBlobClient(item.Name).DownloadContentAsync(TestContext.Current.CancellationToken)
            ).Value.Content.ToArray();
        return blobs;
    }

    public static IReadOnlyList<EventEnvelope> Parse(byte[] rangeFile) =>
        [.. ArchiveRangeFile.Decode(rangeFile).Select(v => EventEnvelope.Parser.ParseFrom(v.Span))];

    public static IReadOnlyList<byte[]> Values(byte[] rangeFile) =>
        [.. ArchiveRangeFile.Decode(rangeFile).Select(v => v.ToArray())];

    public static Task<ArchiveVerification> VerifyAsync(TestPipeline pipeline) =>
        new ArchiveVerifier(Container(pipeline), pipeline.Database.DataSource).VerifyAsync(
            null,
            null,
            TestContext.Current.CancellationToken
        );

    private static ConsumedRecord Record(string topic, long offset, CanonicalKey key, IMessage payload)
    {
        var envelope = Envelopes.Build(
            DeterministicGuid.Create(DeterministicGuid.PitNamespace, $"archive-deletion:{topic}:{offset}:{key}"),
            At.AddSeconds(offset),
            topic,
            key,
            payload
        );
        return new ConsumedRecord(
            topic,
            0,
            offset,
            Encoding.UTF8.GetBytes(envelope.Key),
            envelope.ToByteArray(),
            At.AddSeconds(offset),
            []
        );
    }
}
