namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// Operator commands run by the same executable as the local host (`./pit dlq ...`, `./pit archive ...`). They reach
/// Kafka, Postgres and Blob through the usual settings (environment variables), falling back to the endpoints a
/// running `./pit up` published in its state directory, so they work against the local pipeline with no set-up.
/// </summary>
public static class OperatorCommands
{
    /// <summary>Each command: its name (args[0]) and what runs it with the remaining arguments.</summary>
    private static readonly Dictionary<string, Func<IConfiguration, string[], CancellationToken, Task<int>>> Commands =
        new(StringComparer.Ordinal)
        {
            ["dlq"] = (configuration, args, cancellationToken) =>
                DeadLetterCommand.RunAsync(configuration, args, Console.Out, TimeProvider.System, cancellationToken),
            [ArchiveCommand.Name] = ArchiveCommand.RunAsync,
            [AuditCommand.Name] = AuditCommand.RunAsync,
            [BillingCommand.Name] = BillingCommand.RunAsync,
            [OperatorKeyCommand.Name] = OperatorKeyCommand.RunAsync,
        };

    public static bool Handles(string[] args) => args.Length > 0 && Commands.ContainsKey(args[0]);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = LocalHostOptions.FromEnvironment(args);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(PublishedEndpoints.Read(options.StateDirectory))
            .AddEnvironmentVariables()
            .Build();
        return await Commands[args[0]](configuration, args[1..], cancellationToken).ConfigureAwait(false);
    }
}
