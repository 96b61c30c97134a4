using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Hosting;
using PitPlatform.LocalHost;
using PitPlatform.Processing.Archive;

/// <summary>
/// ./pit load archive [records]: the archiver over batches of 500 records (range file, manifest, chain head per
/// partition and batch), beside the raw limit: the same range files written to the same Azurite through the host's own
/// Blob client with the call the archiver makes (one Put Blob each) and nothing else (no manifest, no condition, no
/// listing, no Postgres). The raw side takes the better of the archiver's partition parallelism and all partitions at
/// once. Two batch shapes: records spread over 12 partitions (about 42 per range), and every record in one partition
/// (500 per range).
/// </summary>
internal static class ArchiveLoad
{
    private const int BatchSize = 500;
    private const string Topic = "pit.v1.exec.trade_fill";

    public static async Task<int> RunAsync(string[] args)
    {
        var records = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30_000;
        var state = Path.Combine(Path.GetTempPath(), "pit-load-" + Guid.NewGuid().ToString("N")[..8]);
        await using (
            var host = await PitLocalHost.StartAsync(
                new LocalHostOptions
                {
                    StateDirectory = state,
                    HttpPort = 0,
                    DurablePostgres = false,
                    Settings = new Dictionary<string, string?>
                    {
                        [SettingNames.ArchiveContainer] = "load-" + Guid.NewGuid().ToString("N")[..12],
                    },
                },
                runConsumers: false
            )
        )
        {
            var archiver = host.Services.GetRequiredService<Archiver>();
            var storage = host.Services.GetRequiredService<ArchiveStorage>();
            var blobs = host.Services.GetRequiredService<BlobServiceClient>();
            var database = host.Services.GetRequiredService<NpgsqlDataSource>();
            Console.WriteLine(
                $"{records:N0} trade-fill envelopes per run, batches of {BatchSize}, "
                    + $"{Environment.ProcessorCount} cores, embedded Postgres and Azurite"
            );
            var rawContainer = blobs.GetBlobContainerClient("raw-" + Guid.NewGuid().ToString("N")[..12]);
            await rawContainer.CreateAsync();

            foreach (var partitions in new[] { 12, 1 })
            {
                // The one-partition run continues partition 0's chain where the spread run left it, so no gap is
                // recorded.
                var batches = Batches(records, partitions, offsetBase: partitions == 12 ? 0 : (records + 11) / 12);
                var bytes = batches.Sum(b => b.Sum(r => 4L + r.Value.Length));
                await Warm(storage, rawContainer);
                // A fresh name prefix per pass, so no pass overwrites another's blobs.
                var bounded = await RawUploadAsync(
                    rawContainer,
                    $"p{partitions}b/",
                    batches,
                    Archiver.MaxConcurrentPartitions
                );
                var unbounded =
                    partitions > Archiver.MaxConcurrentPartitions
                        ? await RawUploadAsync(rawContainer, $"p{partitions}u/", batches, partitions)
                        : bounded;
                var raw = Math.Min(bounded, unbounded);
                var archive = await ArchiveAsync(archiver, batches);
                var sweep =
                    partitions > Archiver.MaxConcurrentPartitions
                        ? $"; {records / bounded:N0} with {Archiver.MaxConcurrentPartitions} partitions at "
                            + $"once, {records / unbounded:N0} with all {partitions}"
                        : "";
                Console.WriteLine(
                    $"{partitions, 2} partition(s) per batch: raw Put Blob of the range files "
                        + $"{records / raw:N0} records/s ({bytes / raw / 1e6:F1} MB/s{sweep}); "
                        + $"archiver {records / archive:N0} records/s ({bytes / archive / 1e6:F1} MB/s) = "
                        + $"{100 * raw / archive:F0}% of raw"
                );
            }

            var watch = Stopwatch.StartNew();
            var verification = await new ArchiveVerifier(storage.Container, database).VerifyAsync(
                Topic,
                null,
                CancellationToken.None
            );
            var archived = verification.Chains.Sum(c => c.Records);
            if (!verification.IsIntact || archived != 2L * records)
                throw new InvalidOperationException(
                    $"archive not intact: {verification.FirstBroken?.Summary}, {archived} records"
                );
            Console.WriteLine(
                $"verify: {verification.Chains.Count} chains, {archived:N0} records intact in "
                    + $"{watch.Elapsed.TotalSeconds:F1} s ({archived / watch.Elapsed.TotalSeconds:N0} records/s)"
            );
        }
        Directory.Delete(state, recursive: true);
        return 0;
    }

    private static List<List<ConsumedRecord>> Batches(int count, int partitions, long offsetBase)
    {
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");
        var next = new long[partitions];
        var time = DateTimeOffset.Parse("2026-11-22T09:30:00Z", CultureInfo.InvariantCulture);
        return Enumerable
            .Range(0, count)
            .Select(i =>
            {
                var partition = i % partitions;
                var envelope = builder.Build(
                    Guid.NewGuid(),
                    time,
                    Topic,
                    CanonicalKey.ForCell("demo", "archload", $"c{i % 1000}"),
                    new TradeFillEvent
                    {
                        Instrument = "ACME",
                        Side = TradeSide.Buy,
                        Quantity = 100,
                        PriceMicros = 12_500_000,
                        Currency = "USD",
                        FeeMicros = 1_000,
                    }
                );
                var offset = offsetBase + next[partition]++;
                return new ConsumedRecord(
                    Topic,
                    partition,
                    offset,
                    Encoding.UTF8.GetBytes(envelope.Key),
                    envelope.ToByteArray(),
                    time.AddMilliseconds(offset),
                    []
                );
            })
            .Chunk(BatchSize)
            .Select(c => c.ToList())
            .ToList();
    }

    private static async Task<double> ArchiveAsync(Archiver archiver, List<List<ConsumedRecord>> batches)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
            await archiver.HandleAsync(batch, CancellationToken.None);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The same range files, in the same groups, <paramref name="parallelism"/> partitions at a time, each with the
    /// Put Blob the archiver makes (the host's client, its default transfer options), and nothing else.
    /// </summary>
    private static async Task<double> RawUploadAsync(
        BlobContainerClient container,
        string prefix,
        List<List<ConsumedRecord>> batches,
        int parallelism
    )
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await Parallel.ForEachAsync(
                batch.GroupBy(r => r.Partition),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                async (g, ct) =>
                {
                    var range = g.ToList();
                    var content = ArchiveRangeFile.Encode(range.Select(r => r.Value).ToList());
                    await PutAsync(
                        container,
                        prefix + ArchiveNames.Range(Topic, g.Key, range[0].Offset, range[^1].Offset),
                        content,
                        ct
                    );
                }
            );
        }
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task PutAsync(
        BlobContainerClient container,
        string name,
        byte[] content,
        CancellationToken cancellationToken
    )
    {
        using var stream = new MemoryStream(content, writable: false);
        await container
            .GetBlockBlobClient(name)
            .UploadAsync(
                stream,
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                },
                cancellationToken
            );
    }

    /// <summary>Connections, JIT of the upload path and the archive container, before anything is timed.</summary>
    private static async Task Warm(ArchiveStorage storage, BlobContainerClient raw)
    {
        await storage.ReadyAsync(CancellationToken.None);
        await storage.Container.GetPropertiesAsync();
        await PutAsync(raw, "warm-up", new byte[1024], CancellationToken.None);
    }
}
