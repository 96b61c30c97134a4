using PitPlatform.Hosting;
using PitPlatform.LocalHost;
using PitPlatform.LocalHost.Commands;

// ./pit up runs this: the whole pipeline on 127.0.0.1, on embedded defaults unless endpoints are configured.
// With an operator command as first argument (./pit dlq, ./pit archive) it runs that command instead.
try
{
    if (OperatorCommands.Handles(args))
        return await OperatorCommands.RunAsync(args, CancellationToken.None);
    await using var host = await PitLocalHost.StartAsync(LocalHostOptions.FromEnvironment(args));
    foreach (var line in host.Banner)
        Console.WriteLine(line);
    await host.WaitForShutdownAsync();
    return 0;
}
catch (MissingSettingsException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
