using TradeFillProducer;

// PIT_URL (default http://127.0.0.1:7071) and PIT_API_KEY (a key with the ingest scope); optional argument: fills.
var url = Environment.GetEnvironmentVariable("PIT_URL") is { Length: > 0 } given ? given : "http://127.0.0.1:7071";
var key = Environment.GetEnvironmentVariable("PIT_API_KEY");
if (string.IsNullOrWhiteSpace(key))
{
    Console.Error.WriteLine(
        "PIT_API_KEY is not set: give it an API key with the ingest scope (for the local host: "
            + "PIT_API_KEY=$(cat .pit/dev-api-key))"
    );
    return 2;
}
var fills = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await FillProducer.RunAsync(new Uri(url), key, fills, Console.Out, cancel.Token);
