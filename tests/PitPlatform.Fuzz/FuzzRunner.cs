using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PitPlatform.Ingestion.Tests.OpenApi;

namespace PitPlatform.Fuzz;

/// <summary>Where the fuzzer sends: the host's address and a key of each kind (null: that kind is not sent).</summary>
public sealed record FuzzTarget(Uri BaseAddress, IReadOnlyDictionary<KeyKind, string> Keys);

public sealed record FuzzOptions
{
    public int Concurrency { get; init; } = 8;

    /// <summary>An answer slower than this is a hang.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// What one case got: a status (null when no answer came), and what is wrong with the answer, if anything.
/// </summary>
public sealed record FuzzOutcome(FuzzCase Case, int? Status, string? Problem, bool Hang, string Body, TimeSpan Elapsed)
{
    public bool ServerError => Status >= 500;

    /// <summary>A 4xx or 5xx without the API's error body, or no answer at all.</summary>
    public bool Malformed => Problem is not null && !Hang;
}

public sealed class FuzzReport
{
    public int Requests { get; set; }
    public int HeldBack { get; set; }
    public SortedDictionary<int, int> Statuses { get; } = [];
    public List<FuzzOutcome> ServerErrors { get; } = [];
    public List<FuzzOutcome> Malformed { get; } = [];
    public List<FuzzOutcome> Hangs { get; } = [];
    public Dictionary<string, int> Categories { get; } = [];
    public TimeSpan Elapsed { get; set; }

    /// <summary>Cases whose answer is a finding: a 5xx, a malformed error or no answer, or a hang.</summary>
    public IEnumerable<FuzzOutcome> Findings => ServerErrors.Concat(Malformed.Where(m => !m.ServerError)).Concat(Hangs);
}

/// <summary>
/// Sends the generated cases concurrently, each with its own timeout, and checks every error answer's shape.
/// </summary>
public sealed class FuzzRunner(FuzzTarget target, FuzzOptions options, TextWriter output)
{
    private readonly ErrorContract _contract = ErrorContract.FromSpec(ApiSpec.Current);

    public async Task<FuzzReport> RunAsync(
        FuzzGenerator generator,
        IEnumerable<int> indexes,
        Func<FuzzCase, bool>? send = null,
        CancellationToken cancellationToken = default
    )
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseCookies = false,
        };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var report = new FuzzReport();
        var outcomes = new ConcurrentBag<FuzzOutcome>();
        var held = 0;
        var done = 0;
        var watch = Stopwatch.StartNew();
        var all = indexes.ToList();
        await Parallel
            .ForEachAsync(
                all,
                new ParallelOptions
                {
                    MaxDegreeOfParallelism = options.Concurrency,
                    CancellationToken = cancellationToken,
                },
                async (index, ct) =>
                {
                    var fuzzCase = generator.Case(index);
                    if (
                        send is not null && !send(fuzzCase)
                        || fuzzCase.Key is not KeyKind.None and not KeyKind.Garbage
                            && !target.Keys.ContainsKey(fuzzCase.Key)
                    )
                    {
                        Interlocked.Increment(ref held);
                        return;
                    }
                    outcomes.Add(await SendAsync(http, fuzzCase, ct).ConfigureAwait(false));
                    var n = Interlocked.Increment(ref done);
                    if (n % 1000 == 0)
                        output.WriteLine($"  {n:N0} of {all.Count:N0} sent ({watch.Elapsed.TotalSeconds:F0} s)");
                }
            )
            .ConfigureAwait(false);
        report.Elapsed = watch.Elapsed;
        report.HeldBack = held;
        foreach (var outcome in outcomes.OrderBy(o => o.Case.Index))
        {
            report.Requests++;
            report.Categories[outcome.Case.Kind] = report.Categories.GetValueOrDefault(outcome.Case.Kind) + 1;
            if (outcome.Status is { } status)
                report.Statuses[status] = report.Statuses.GetValueOrDefault(status) + 1;
            if (outcome.Hang)
                report.Hangs.Add(outcome);
            if (outcome.ServerError)
                report.ServerErrors.Add(outcome);
            if (outcome.Malformed)
                report.Malformed.Add(outcome);
        }
        return report;
    }

    public async Task<FuzzOutcome> SendAsync(HttpClient http, FuzzCase fuzzCase, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = Request(fuzzCase);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            var body = await ReadCappedAsync(response, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var problem = ServerRefusal(fuzzCase, response, body)
                ? null
                : _contract.Problem(fuzzCase.Method, response, body);
            return new FuzzOutcome(
                fuzzCase,
                status,
                problem,
                false,
                Encoding.UTF8.GetString(body),
                Stopwatch.GetElapsedTime(started)
            );
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FuzzOutcome(
                fuzzCase,
                null,
                $"no answer within {options.RequestTimeout.TotalSeconds:F0} s",
                true,
                "",
                Stopwatch.GetElapsedTime(started)
            );
        }
        catch (HttpRequestException e)
        {
            return new FuzzOutcome(
                fuzzCase,
                null,
                $"no answer: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}",
                false,
                "",
                Stopwatch.GetElapsedTime(started)
            );
        }
    }

    /// <summary>
    /// A request that is no valid HTTP (<c>http.*</c> cases) refused by the server before the application, as the spec
    /// documents: 400, 414 or 431 with an empty body, closing the connection. Anything else it answers is checked.
    /// </summary>
    private static bool ServerRefusal(FuzzCase fuzzCase, HttpResponseMessage response, byte[] body) =>
        fuzzCase.Kind.StartsWith("http.", StringComparison.Ordinal)
        && (int)response.StatusCode is 400 or 414 or 431
        && body.Length == 0
        && response.Headers.ConnectionClose == true;

    private HttpRequestMessage Request(FuzzCase fuzzCase)
    {
        // As written: Uri would resolve dot segments and re-escape the path before it reaches the server.
        var uri = new Uri(
            target.BaseAddress.ToString().TrimEnd('/') + fuzzCase.Target,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }
        );
        var request = new HttpRequestMessage(new HttpMethod(fuzzCase.Method), uri);
        if (fuzzCase.Key is not KeyKind.None and not KeyKind.Garbage)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.Keys[fuzzCase.Key]);
        if (fuzzCase.Body is not null)
            request.Content = new ByteArrayContent(fuzzCase.Body);
        foreach (var (name, value) in fuzzCase.Headers)
        {
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
                request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    /// <summary>The whole body is read (a streamed export included), but only its first 64 KiB kept.</summary>
    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (kept.Length < 64 * 1024)
                kept.Write(buffer, 0, read);
        }
        return kept.ToArray();
    }
}

/// <summary>
/// The error body the spec promises (ErrorResponse, x-error-codes), checked on every 4xx and 5xx answer.
/// </summary>
public sealed class ErrorContract(IReadOnlySet<string> codes, IReadOnlyDictionary<string, HashSet<int>> statuses)
{
    internal static ErrorContract FromSpec(ApiSpec spec) =>
        new(
            spec.At("#/components/schemas/ErrorResponse/properties/error/properties/code/enum")
                .EnumerateArray()
                .Select(c => c.GetString()!)
                .ToHashSet(),
            spec.Root.GetProperty("x-error-codes")
                .EnumerateObject()
                .ToDictionary(
                    c => c.Name,
                    c => c.Value.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()).ToHashSet()
                )
        );

    /// <returns>What is wrong with the answer, or null when it is what the API promises.</returns>
    public string? Problem(string method, HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        if (status < 400)
            return null;
        if (status == 405 && response.Content.Headers.Allow.Count == 0)
            return "405 without an Allow header";
        if (method.Equals("HEAD", StringComparison.OrdinalIgnoreCase))
            return null; // an answer to HEAD has no body
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
            return $"{status} with content type '{response.Content.Headers.ContentType}' and {body.Length} bytes of "
                + "body";
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (
                root.ValueKind != JsonValueKind.Object
                || root.EnumerateObject().Select(p => p.Name).SingleOrDefault() != "error"
            )
                return $"{status}: the body is not {{\"error\":{{...}}}}";
            var error = root.GetProperty("error");
            if (error.ValueKind != JsonValueKind.Object)
                return $"{status}: error is not an object";
            var names = error.EnumerateObject().Select(p => p.Name).Order().ToList();
            if (!names.SequenceEqual(["code", "details", "message"]))
                return $"{status}: error has the members {string.Join(", ", names)}";
            if (
                error.GetProperty("code").ValueKind != JsonValueKind.String
                || error.GetProperty("message").ValueKind != JsonValueKind.String
                || error.GetProperty("details").ValueKind != JsonValueKind.Object
            )
                return $"{status}: code and message must be strings and details an object";
            var code = error.GetProperty("code").GetString()!;
            if (!codes.Contains(code))
                return $"{status}: code {code} is not one the spec lists";
            if (!statuses.TryGetValue(code, out var allowed) || !allowed.Contains(status))
                return $"{status}: x-error-codes does not list status {status} for {code}";
            if (status == 500 && !error.GetProperty("details").TryGetProperty("request_id", out _))
                return "500 without details.request_id";
            return null;
        }
        catch (JsonException e)
        {
            return $"{status}: the body is not JSON ({e.Message})";
        }
    }
}
