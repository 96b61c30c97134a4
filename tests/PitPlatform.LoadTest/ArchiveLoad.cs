using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
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
/// partition and batch), beside the raw limit: the same range files uploaded to the same Azurite with stage + commit
/// and nothing else (no manifest, no condition, no Postgres), with the same parallelism. Two batch shapes: records
/// spread over 12 partitions (about 42 per range), and every record in one partition (500 per range).
/// </summary>
internal static class ArchiveLoad
{
    private const int BatchSize = 500;
    private const string Topic = "pit.v1.exec.trade_fill";

    public static async Task<int> RunAsync(string[] args)
    {
        var records = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30_000;
        var state = Path.Combine(Path.GetTempPath(), "pit-load-" + Guid.NewGuid().ToString("N")[..8]);
        await using (var host = await PitLocalHost.StartAsync(new LocalHostOptions
        {
            StateDirectory = state,
            HttpPort = 0,
            DurablePostgres = false,
            Settings = new Dictionary<string, string?> { [SettingNames.ArchiveContainer] = "load-" + Guid.NewGuid().ToString("N")[..12] },
        }, runConsumers: false))
        {
            var archiver = host.Services.GetRequiredService<Archiver>();
            var storage = host.Services.GetRequiredService<ArchiveStorage>();
            var blobs = host.Services.GetRequiredService<BlobServiceClient>();
            var database = host.Services.GetRequiredService<NpgsqlDataSource>();
            Console.WriteLine($"{records:N0} trade-fill envelopes per run, batches of {BatchSize}, {Environment.ProcessorCount} cores, embedded Postgres and Azurite");

            foreach (var partitions in new[] { 12, 1 })
            {
                // The one-partition run continues partition 0's chain where the spread run left it, so no gap is recorded.
                var batches = Batches(records, partitions, offsetBase: partitions == 12 ? 0 : (records + 11) / 12);
                var bytes = batches.Sum(b => b.Sum(r => 4L + r.Value.Length));
                await Warm(storage, blobs);
                var raw = await RawUploadAsync(blobs, batches);
                var archive = await ArchiveAsync(archiver, batches);
                Console.WriteLine($"{partitions,2} partition(s) per batch: raw stage + commit of the range files {records / raw:N0} records/s ({bytes / raw / 1e6:F1} MB/s); " +
                                  $"archiver {records / archive:N0} records/s ({bytes / archive / 1e6:F1} MB/s) = {100 * raw / archive:F0}% of raw");
            }

            var watch = Stopwatch.StartNew();
            var verification = await new ArchiveVerifier(storage.Container, database).VerifyAsync(Topic, null, CancellationToken.None);
            var archived = verification.Chains.Sum(c => c.Records);
            if (!verification.IsIntact || archived != 2L * records)
                throw new InvalidOperationException($"archive not intact: {verification.FirstBroken?.Summary}, {archived} records");
            Console.WriteLine($"verify: {verification.Chains.Count} chains, {archived:N0} records intact in {watch.Elapsed.TotalSeconds:F1} s ({archived / watch.Elapsed.TotalSeconds:N0} records/s)");
        }
        Directory.Delete(state, recursive: true);
        return 0;
    }

    private static List<List<ConsumedRecord>> Batches(int count, int partitions, long offsetBase)
    {
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");
        var next = new long[partitions];
        var time = DateTimeOffset.Parse("2026-11-22T09:30:00Z");
        return Enumerable.Range(0, count).Select(i =>
        {
            var partition = i % partitions;
            var envelope = builder.Build(Guid.NewGuid(), time, Topic, CanonicalKey.ForCell("demo", "archload", $"c{i % 1000}"),
                new TradeFillEvent { Instrument = "ACME", Side = TradeSide.Buy, Quantity = 100, PriceMicros = 12_500_000, Currency = "USD", FeeMicros = 1_000 });
            var offset = offsetBase + next[partition]++;
            return new ConsumedRecord(Topic, partition, offset, Encoding.UTF8.GetBytes(envelope.Key), envelope.ToByteArray(), time.AddMilliseconds(offset), []);
        }).Chunk(BatchSize).Select(c => c.ToList()).ToList();
    }

    private static async Task<double> ArchiveAsync(Archiver archiver, List<List<ConsumedRecord>> batches)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches) await archiver.HandleAsync(batch, CancellationToken.None);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The same range files, in the same groups, with the same parallelism, and nothing else.</summary>
    private static async Task<double> RawUploadAsync(BlobServiceClient blobs, List<List<ConsumedRecord>> batches)
    {
        var container = blobs.GetBlobContainerClient("raw-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await Task.WhenAll(batch.GroupBy(r => r.Partition).Select(async g =>
            {
                var range = g.ToList();
                var content = ArchiveRangeFile.Encode(range.Select(r => r.Value).ToList());
                var blob = container.GetBlockBlobClient(ArchiveNames.Range(Topic, g.Key, range[0].Offset, range[^1].Offset));
                var id = Convert.ToBase64String(SHA256.HashData(content).AsSpan(0, 16));
                await blob.StageBlockAsync(id, new MemoryStream(content));
                await blob.CommitBlockListAsync([id]);
            }));
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Connections, JIT and the archive container, before anything is timed.</summary>
    private static async Task Warm(ArchiveStorage storage, BlobServiceClient blobs)
    {
        await storage.ReadyAsync(CancellationToken.None);
        await blobs.GetBlobContainerClient(storage.Container.Name).GetPropertiesAsync();
    }
}
