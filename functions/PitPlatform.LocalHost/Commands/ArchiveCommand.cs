using System.Globalization;
using Azure.Storage.Blobs;
using Npgsql;
using PitPlatform.Hosting;
using PitPlatform.Processing.Archive;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// <c>./pit archive verify [--topic T] [--partition P]</c>: walks every archive chain from genesis
/// (<see cref="ArchiveVerifier"/>), prints one line per chain and exits 1 naming the first broken link.
/// Exit codes: 0 intact, 1 broken, 2 usage or a missing setting.
/// </summary>
public static class ArchiveCommand
{
    public const string Name = "archive";
    private const string Usage = "usage: ./pit archive verify [--topic TOPIC] [--partition N]";

    public static Task<int> RunAsync(
        IConfiguration configuration,
        string[] args,
        CancellationToken cancellationToken
    ) => RunAsync(configuration, args, Console.Out, Console.Error, cancellationToken);

    public static async Task<int> RunAsync(
        IConfiguration configuration,
        string[] args,
        TextWriter output,
        TextWriter errors,
        CancellationToken cancellationToken
    )
    {
        if (!TryParse(args, out var topic, out var partition, out var problem))
        {
            await errors.WriteLineAsync($"{problem}\n{Usage}").ConfigureAwait(false);
            return 2;
        }
        var postgres = configuration[SettingNames.Postgres];
        var blob = configuration[SettingNames.Blob];
        var missing = new[] { (SettingNames.Postgres, postgres), (SettingNames.Blob, blob) }
            .Where(s => string.IsNullOrWhiteSpace(s.Item2))
            .Select(s => s.Item1)
            .ToList();
        if (missing.Count > 0)
        {
            await errors
                .WriteLineAsync(
                    $"{string.Join(" and ", missing)} not set: set them, or run ./pit up in another terminal "
                        + "so its endpoints are published"
                )
                .ConfigureAwait(false);
            return 2;
        }

        var containerName = configuration[SettingNames.ArchiveContainer] is { Length: > 0 } c
            ? c
            : ArchiveStorage.DefaultContainer;
        await using var database = NpgsqlDataSource.Create(postgres!);
        var container = new BlobServiceClient(blob).GetBlobContainerClient(containerName);
        var verification = await new ArchiveVerifier(container, database)
            .VerifyAsync(topic, partition, cancellationToken)
            .ConfigureAwait(false);

        foreach (var chain in verification.Chains)
            await output.WriteLineAsync(chain.Summary).ConfigureAwait(false);
        if (verification.FirstBroken is { } broken)
        {
            await errors
                .WriteLineAsync(
                    $"archive verify: first broken link: {broken.BrokenAt}: {broken.Problem} (see "
                        + "docs/runbooks/archive.md)"
                )
                .ConfigureAwait(false);
            return 1;
        }
        await output
            .WriteLineAsync(
                $"archive verify: {verification.Chains.Count} chains intact in container {containerName}"
                    + (verification.RedactedRanges > 0 ? $", {verification.RedactedRanges} ranges redacted" : "")
            )
            .ConfigureAwait(false);
        return 0;
    }

    private static bool TryParse(string[] args, out string? topic, out int? partition, out string problem)
    {
        topic = null;
        partition = null;
        problem = "";
        if (args.Length == 0 || args[0] != "verify")
        {
            problem = args.Length == 0 ? "missing subcommand" : $"unknown subcommand '{args[0]}'";
            return false;
        }
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--topic" when value is { Length: > 0 }:
                    topic = value;
                    break;
                case "--partition" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p):
                    partition = p;
                    break;
                default:
                    problem = $"'{args[i]}' needs a value or is not an option";
                    return false;
            }
        }
        if (partition is not null && topic is null)
        {
            problem = "--partition needs --topic";
            return false;
        }
        return true;
    }
}
