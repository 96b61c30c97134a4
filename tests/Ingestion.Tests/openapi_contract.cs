using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Ingestion.Tests.OpenApi;
using PitPlatform.LocalHost.Embedded;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// docs/API_SPEC.yaml against the local host. Every documented request (the spec's examples) is sent, and the answer
/// must have a status the spec documents for the operation, a body valid against that response's schema, and, when a
/// response example has the request's name, that example's status and content (values the server makes up, such as
/// offsets and messages, aside). Refusals (no key, a missing scope, a wrong media type, an oversized body, a rate
/// limit, an outage) are provoked and checked the same way. Operations the host does not serve yet (the admin keys,
/// being built on main) are skipped with the reason in the test output, never silently.
/// </summary>
public sealed partial class openapi_contract(OpenApiHost host, KafkaFixture kafka, BlobFixture blob)
    : IClassFixture<OpenApiHost>
{
    /// <summary>
    /// Operations in the spec that the local host does not map yet: the admin keys, being built on main.
    /// </summary>
    private static readonly HashSet<string> NotMappedYet = [];

    /// <summary>
    /// Operational routes of the local host that are not the product's API: Prometheus scrapes /metrics
    /// (docs/DEPLOYMENT.md, "Metrics"); in Azure the Functions app exports to Azure Monitor instead, so neither the
    /// spec nor the app has it.
    /// </summary>
    private static readonly HashSet<string> LocalHostOperations = ["(any method) /metrics"];

    /// <summary>Members whose values the server chooses; an example shows one such value, the host another.</summary>
    private static readonly HashSet<string> ChosenByServer =
    [
        "message",
        "event_id",
        "partition",
        "offset",
        "detail",
        "key",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "next_page_token",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ApiSpec Spec => ApiSpec.Current;

    public static TheoryData<string, string> DocumentedRequests
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var operation in Spec.Operations)
            {
                foreach (var name in operation.Cases)
                    data.Add(operation.Id, name);
            }
            return data;
        }
    }

    public static TheoryData<string, string> Refusals
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var operation in Spec.Operations)
            {
                var responses = operation.Responses;
                if (operation.Scopes is not null && responses.ContainsKey(401))
                    data.Add(operation.Id, "no_key");
                if (operation.Scopes is { Count: > 0 } && responses.ContainsKey(403))
                    data.Add(operation.Id, "missing_scope");
                if (operation.RequestMedia is not null && responses.ContainsKey(415))
                    data.Add(operation.Id, "unsupported_media_type");
                if (operation.RequestMedia is not null && responses.ContainsKey(413))
                    data.Add(operation.Id, "payload_too_large");
            }
            return data;
        }
    }

    // --- the spec on its own ---------------------------------------------------------------------------------------

    [Fact]
    public void every_request_parameter_response_and_header_has_an_example()
    {
        var missing = new List<string>();
        foreach (var operation in Spec.Operations)
        {
            if (operation.RequestMedia is not null && operation.RequestExamples.Count == 0)
                missing.Add($"{operation.Id}: request body");
            foreach (var parameter in operation.Parameters)
            {
                if (!parameter.TryGetProperty("example", out _) && !parameter.TryGetProperty("examples", out _))
                    missing.Add($"{operation.Id}: parameter {parameter.GetProperty("name").GetString()}");
            }
            foreach (var (status, response) in operation.Responses)
            {
                if (operation.ResponseMedia(status) is not null && operation.ResponseExamples(status).Count == 0)
                    missing.Add($"{operation.Id}: response {status}");
                if (!response.TryGetProperty("headers", out var headers))
                    continue;
                foreach (var header in headers.EnumerateObject())
                {
                    if (!Spec.Resolve(header.Value).TryGetProperty("example", out _))
                        missing.Add($"{operation.Id}: response {status} header {header.Name}");
                }
            }
            foreach (var parameter in operation.Parameters.Where(p => p.GetProperty("in").GetString() == "path"))
            {
                var examples = parameter.TryGetProperty("examples", out var e)
                    ? e.EnumerateObject().Select(x => x.Name).ToHashSet()
                    : [];
                foreach (var name in operation.Cases.Where(c => !examples.Contains(c)))
                    missing.Add(
                        $"{operation.Id}: path parameter {parameter.GetProperty("name").GetString()} has no "
                            + $"example for the request {name}"
                    );
            }
            foreach (var name in operation.Cases)
                _ = operation.PairedStatus(name); // throws when a name is documented under two statuses
        }
        Assert.True(missing.Count == 0, "missing examples:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void every_example_validates_against_its_schema_unless_it_documents_a_refusal()
    {
        var problems = new List<string>();
        foreach (
            var (name, schema) in Spec
                .Root.GetProperty("components")
                .GetProperty("schemas")
                .EnumerateObject()
                .Select(p => (p.Name, p.Value))
        )
            Spec.Schemas.RequireSupported(schema, $"#/components/schemas/{name}");
        foreach (var operation in Spec.Operations)
        {
            foreach (var status in operation.Responses.Keys.Where(s => operation.ResponseMedia(s) is not null))
            {
                var schema = operation.ResponseMedia(status)!.Value.GetProperty("schema");
                foreach (var (name, example) in operation.ResponseExamples(status))
                    problems.AddRange(
                        Spec.Schemas.Validate(schema, example)
                            .Select(e => $"{operation.Id} response {status} example {name}: {e}")
                    );
            }
            // A request is meant to be valid when it expects a success other than 207 (which reports refused events).
            foreach (
                var name in operation.Cases.Where(c =>
                    operation.PairedStatus(c) is null or (>= 200 and < 300 and not 207)
                )
            )
            {
                if (operation.RequestMedia is { } media && operation.RequestExamples.TryGetValue(name, out var body))
                    problems.AddRange(
                        Spec.Schemas.Validate(media.GetProperty("schema"), body)
                            .Select(e => $"{operation.Id} request example {name}: {e}")
                    );
                foreach (var parameter in operation.Parameters)
                {
                    if (
                        parameter.TryGetProperty("examples", out var examples)
                        && examples.TryGetProperty(name, out var example)
                    )
                        problems.AddRange(
                            Spec.Schemas.Validate(
                                    parameter.GetProperty("schema"),
                                    Spec.Resolve(example).GetProperty("value")
                                )
                                .Select(e =>
                                    $"{operation.Id} parameter {parameter.GetProperty("name").GetString()} "
                                    + $"example {name}: {e}"
                                )
                        );
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void the_error_codes_are_listed_once_and_every_example_uses_them_with_their_statuses()
    {
        var listed = Spec
            .Root.GetProperty("x-error-codes")
            .EnumerateObject()
            .ToDictionary(
                c => c.Name,
                c => c.Value.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()).ToHashSet()
            );
        string[] stable =
        [
            "ERR_UNAUTHENTICATED",
            "ERR_FORBIDDEN",
            "ERR_TENANT_MISMATCH",
            "ERR_UNSUPPORTED_MEDIA_TYPE",
            "ERR_PAYLOAD_TOO_LARGE",
            "ERR_MALFORMED_JSON",
            "ERR_INVALID_STRING",
            "ERR_INVALID_BODY",
            "ERR_BATCH_SIZE",
            "ERR_VALIDATION",
            "ERR_UNKNOWN_EVENT_TYPE",
            "ERR_IDEMPOTENCY_CONFLICT",
            "ERR_EVENT_TOO_LARGE",
            "ERR_UNAVAILABLE",
            "ERR_RATE_LIMITED",
            "ERR_NOT_FOUND",
            "ERR_APPROVAL_REQUIRED",
            "ERR_SELF_APPROVAL",
            "ERR_REQUEST_NOT_PENDING",
            "ERR_REQUEST_EXPIRED",
            "ERR_METHOD_NOT_ALLOWED",
            "ERR_BAD_REQUEST",
            "ERR_REQUEST_TIMEOUT",
            "ERR_INTERNAL",
            "ERR_TENANT_SUSPENDED",
            "ERR_TENANT_EXISTS",
            "ERR_RETENTION_BEYOND_PLAN",
            "ERR_NOT_A_MEMBER",
        ];
        Assert.True(
            listed.Keys.ToHashSet().SetEquals(stable),
            "x-error-codes must list exactly the stable codes; missing: "
                + $"{string.Join(", ", stable.Except(listed.Keys))}; extra: "
                + $"{string.Join(", ", listed.Keys.Except(stable))}"
        );

        var errorCodes = Spec.At("#/components/schemas/ErrorResponse/properties/error/properties/code/enum")
            .EnumerateArray()
            .Select(c => c.GetString()!);
        Assert.Equal(listed.Keys.Order(), errorCodes.Order());
        foreach (
            var code in Spec.At("#/components/schemas/RejectedResult/properties/error/properties/code/enum")
                .EnumerateArray()
                .Select(c => c.GetString()!)
        )
            Assert.True(
                listed.TryGetValue(code, out var statuses) && statuses.Contains(207),
                $"{code} is a per-event code, so x-error-codes must list 207 for it"
            );

        var table = InfoTableRow()
            .Matches(Spec.Root.GetProperty("info").GetProperty("description").GetString()!)
            .ToDictionary(
                m => m.Groups["code"].Value,
                m =>
                    m.Groups["statuses"]
                        .Value.Split(',')
                        .Select(s => int.Parse(s.Trim(), System.Globalization.CultureInfo.InvariantCulture))
                        .ToHashSet()
            );
        Assert.Equal(listed.Keys.Order(), table.Keys.Order());
        foreach (var (code, statuses) in listed)
            Assert.True(
                statuses.SetEquals(table[code]),
                $"{code}: the info table and x-error-codes list different statuses"
            );

        // Every code the handlers can answer with is documented (the spec may list codes of routes still being built).
        var inCode = Directory
            .EnumerateFiles(RepositoryFiles.Shared, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
                !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            )
            .SelectMany(f =>
                ErrorCodeLiteral()
                    .Matches(File.ReadAllText(f))
                    .Select(m => (Code: m.Groups[1].Value, File: Path.GetRelativePath(RepositoryFiles.Root, f)))
            )
            .ToList();
        Assert.NotEmpty(inCode);
        var undocumented = inCode
            .Where(c => !listed.ContainsKey(c.Code))
            .Select(c => $"{c.Code} ({c.File})")
            .Distinct()
            .ToList();
        Assert.True(
            undocumented.Count == 0,
            "error codes in shared/ that x-error-codes lacks: " + string.Join(", ", undocumented)
        );

        var misused = new List<string>();
        foreach (var operation in Spec.Operations)
        {
            foreach (var status in operation.Responses.Keys)
            {
                foreach (var (name, example) in operation.ResponseExamples(status))
                {
                    var codes =
                        example.TryGetProperty("error", out var error)
                            ? [(error.GetProperty("code").GetString()!, status)]
                        : example.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                            ? data.EnumerateArray()
                                .Where(r => r.TryGetProperty("error", out _))
                                .Select(r => (r.GetProperty("error").GetProperty("code").GetString()!, 207))
                        : [];
                    misused.AddRange(
                        codes
                            .Where(c => !listed[c.Item1].Contains(c.Item2))
                            .Select(c =>
                                $"{operation.Id} {status} example {name}: {c.Item1} with status {c.Item2}, "
                                + "which x-error-codes does not list for it"
                            )
                    );
                }
            }
        }
        Assert.True(misused.Count == 0, string.Join("\n", misused));
    }

    [Fact]
    public void the_event_components_are_a_copy_of_docs_EVENT_SCHEMA_json()
    {
        var eventSchema = JsonNode.Parse(File.ReadAllText(RepositoryFiles.EventSchema))!.AsObject();
        var components = JsonNode
            .Parse(Spec.Root.GetProperty("components").GetProperty("schemas").GetRawText())!
            .AsObject();
        foreach (var (name, definition) in eventSchema["definitions"]!.AsObject())
        {
            Assert.True(components.ContainsKey(name), $"components/schemas lacks the event schema's definition {name}");
            var expected = ToComponentReferences(definition!.DeepClone());
            Assert.True(
                JsonNode.DeepEquals(expected, components[name]),
                $"components/schemas/{name} differs from docs/EVENT_SCHEMA.json:\n  schema: "
                    + $"{expected.ToJsonString()}\n  spec:   {components[name]!.ToJsonString()}"
            );
        }
        var top = components["IngestEvent"]!;
        Assert.True(
            JsonNode.DeepEquals(ToComponentReferences(eventSchema["oneOf"]!.DeepClone()), top["oneOf"]),
            "IngestEvent's oneOf differs from the event schema's"
        );
        Assert.Equal(eventSchema["description"]!.GetValue<string>(), top["description"]!.GetValue<string>());

        var itemSchema = Spec.At("#/components/schemas/IngestRequest/properties/data/items");
        Assert.Equal("#/components/schemas/IngestEvent", itemSchema.GetProperty("$ref").GetString());
    }

    // --- the spec against the host ---------------------------------------------------------------------------------

    [Fact]
    public void every_route_the_local_host_maps_is_in_the_spec_and_back()
    {
        var mapped = ((IEndpointRouteBuilder)host.Pipeline.Host.App)
            .DataSources.SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint =>
                (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any method)"]).Select(method =>
                    $"{method} /{endpoint.RoutePattern.RawText!.TrimStart('/')}"
                )
            )
            .ToHashSet();
        var documented = Spec.Operations.Select(o => o.Id).ToHashSet();
        Log("the local host maps: " + string.Join(", ", mapped.Order()));

        var undocumented = mapped.Except(documented).Except(LocalHostOperations).Order().ToList();
        Assert.True(
            undocumented.Count == 0,
            "routes the local host maps that docs/API_SPEC.yaml lacks: " + string.Join(", ", undocumented)
        );
        var unmapped = documented.Except(mapped).Order().ToList();
        var unexpected = unmapped.Except(NotMappedYet).ToList();
        Assert.True(
            unexpected.Count == 0,
            "operations in docs/API_SPEC.yaml that the local host does not map: " + string.Join(", ", unexpected)
        );
        foreach (var id in unmapped)
            Log($"NOT MAPPED YET (allowed, being built on main): {id}");
        foreach (var id in NotMappedYet.Intersect(mapped))
            Log($"{id} is mapped now: remove it from NotMappedYet in openapi_contract.cs");
    }

    [Theory]
    [MemberData(nameof(DocumentedRequests))]
    public async Task each_documented_request_gets_a_documented_response(string operation, string example)
    {
        var op = Spec.Operation(operation);
        var request = op.Request(example);
        var expected = op.PairedStatus(example);
        if (op.OperationId == "revokeApiKey" && expected is null)
        {
            // Revoking needs a key that exists: make one with the first documented create request.
            var create = Spec.Operation("POST /v1/admin/keys");
            var made = await SendAsync(create.Request(create.Cases[0]), DevKey);
            SkipIfNotBuilt(create, made, $"{operation} example {example} (it first creates a key to revoke)");
            Check(create, made, "creating the key to revoke");
            Assert.Equal(201, made.Status);
            var prefix = made.Body!.Value.GetProperty("data").GetProperty("prefix").GetString()!;
            request = request with { PathAndQuery = op.Path.Replace("{prefix}", prefix, StringComparison.Ordinal) };
            Log(
                $"{operation} example {example}: revoking the key just made ({prefix}) instead of the example's prefix"
            );
        }

        if (op.OperationId is "getApproval" or "approveApproval" or "rejectApproval" && expected is null)
        {
            // Reading or deciding needs a request that exists, made by another principal than the development key's.
            var requester = (await host.KeyWithScopesAsync([ApiKeyScope.Admin])).ToString();
            var made = await SendAsync(
                new SpecRequest("PUT", "/v1/admin/redaction", new Dictionary<string, string>(), "{\"store_raw\":true}"),
                requester
            );
            Assert.True(made.Status == 202, $"requesting raw storage to read or decide: {made.Status} {made.Text}");
            var id = made.Body!.Value.GetProperty("data").GetProperty("approval_id").GetString()!;
            request = request with { PathAndQuery = op.Path.Replace("{id}", id, StringComparison.Ordinal) };
            Log($"{operation} example {example}: using the approval just requested ({id}) instead of the example's id");
        }

        if (op.OperationId is "getDeletion" or "approveDeletion" or "rejectDeletion" && expected is null)
        {
            // Reading or deciding needs a request that exists, made by another principal than the development key's.
            var create = Spec.Operation("POST /v1/deletions");
            var made = await SendAsync(
                create.Request(SuccessCase(create)),
                (await host.KeyWithScopesAsync([ApiKeyScope.Admin])).ToString()
            );
            SkipIfNotBuilt(create, made, $"{operation} example {example} (it first requests a deletion)");
            Check(create, made, "requesting the deletion to read or decide");
            Assert.Equal(202, made.Status);
            var id = made.Body!.Value.GetProperty("data").GetProperty("id").GetString()!;
            request = request with { PathAndQuery = op.Path.Replace("{id}", id, StringComparison.Ordinal) };
            Log($"{operation} example {example}: using the deletion just requested ({id}) instead of the example's id");
        }

        if (op.Path.StartsWith("/v1/tenants/{id}", StringComparison.Ordinal) && example == "existing")
        {
            // Reading or changing a tenant needs one that exists, of this case alone (a suspension must not touch
            // demo).
            var id = "contract-" + Guid.NewGuid().ToString("N")[..10];
            var made = await SendAsync(
                new SpecRequest(
                    "POST",
                    "/v1/tenants",
                    new Dictionary<string, string>(),
                    $$"""{"id":"{{id}}","display_name":"Contract","plan":"team"}"""
                ),
                OperatorKey
            );
            Assert.True(made.Status == 201, $"creating the tenant to read or change: {made.Status} {made.Text}");
            request = request with { PathAndQuery = op.Path.Replace("{id}", id, StringComparison.Ordinal) };
            Log($"{operation} example {example}: using the tenant just created ({id}) instead of the example's id");
        }

        if (op.OperationId == "getRecentEvent" && example == "existing")
        {
            // Reading an event needs one of the development tenant: store the example's id as its recent event.
            var id = request.PathAndQuery.Split('/')[^1];
            await host.Pipeline.Database.ExecuteAsync(
                $"""
                INSERT INTO recent_events (event_id, tenant, type, ts, series, model)
                VALUES ('{id}', '{LocalHost.DevApiKey.Tenant}', 'runtime.llm_call', '2026-11-22T10:00:01Z', 'alpha', 'gpt-4o') ON CONFLICT DO NOTHING
                """
            );
            Log(
                $"{operation} example {example}: stored the example's event ({id}) "
                    + "as a recent event of the development tenant"
            );
        }

        if (op.OperationId == "removeMember" && example == "existing")
        {
            // Removing needs a member: add the one the example names first.
            var added = await SendAsync(
                new SpecRequest(
                    "POST",
                    "/v1/members",
                    new Dictionary<string, string>(),
                    """{"subject":"vic-viewer","issuer":"https://login.example/","role":"viewer"}"""
                ),
                DevKey
            );
            Assert.True(added.Status == 201, $"adding the member to remove: {added.Status} {added.Text}");
        }

        // The list must keep to the caller's tenant: another tenant's key exists while it is read.
        var otherTenantKey = op.OperationId == "listApiKeys" ? await host.KeyOfAnotherTenantAsync() : (ApiKeyText?)null;

        var answer = await SendAsync(request, KeyFor(op));
        if (op.OperationId == "approveApproval" && answer.Status is >= 200 and < 300)
        {
            // That approval turned raw storage on for the development tenant, whose settings the redaction examples
            // document with it off, in whatever order the cases run. Turning it off again needs no approval.
            var off = await SendAsync(
                new SpecRequest(
                    "PUT",
                    "/v1/admin/redaction",
                    new Dictionary<string, string>(),
                    "{\"store_raw\":false}"
                ),
                DevKey
            );
            Assert.True(
                off.Status == 200,
                $"turning raw storage off again after the approval: {off.Status} {off.Text}"
            );
        }
        SkipIfNotBuilt(op, answer, $"{operation} example {example}");
        Check(op, answer, $"{operation} example {example}");
        if (otherTenantKey is { } other)
        {
            var listed = answer.Body!.Value.GetProperty("data").EnumerateArray().ToList();
            Assert.All(listed, key => Assert.Equal(LocalHost.DevApiKey.Tenant, key.GetProperty("tenant").GetString()));
            Assert.DoesNotContain(listed, key => key.GetProperty("prefix").GetString() == other.Prefix);
        }
        if (expected is { } status)
        {
            Assert.True(
                status == answer.Status,
                $"{operation} example {example}: the spec pairs it with {status}, the host answered "
                    + $"{answer.Status}: {answer.Text}"
            );
            AssertAgrees(op.ResponseExamples(status)[example], answer, $"{operation} example {example}");
            Log(
                $"{operation} example {example}: {answer.Status} as documented; body valid and agreeing with "
                    + $"response example {status}/{example}"
            );
        }
        else
        {
            Assert.True(
                answer.Status is >= 200 and < 300,
                $"{operation} example {example} expects a success, the host answered {answer.Status}: {answer.Text}"
            );
            Log(
                $"{operation} example {example}: {answer.Status}, documented; "
                    + (
                        op.ResponseMedia(answer.Status) is null
                            ? "no body, as documented"
                            : "body valid against its schema"
                    )
            );
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task each_documented_refusal_comes_back_as_documented(string operation, string refusal)
    {
        var op = Spec.Operation(operation);
        var request = op.Request(SuccessCase(op));
        var (status, code) = refusal switch
        {
            "no_key" => (401, "ERR_UNAUTHENTICATED"),
            "missing_scope" => (403, "ERR_FORBIDDEN"),
            "unsupported_media_type" => (415, "ERR_UNSUPPORTED_MEDIA_TYPE"),
            "payload_too_large" => (413, "ERR_PAYLOAD_TOO_LARGE"),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
        };
        var key = refusal switch
        {
            "no_key" => null,
            "missing_scope" => (await host.KeyWithScopesAsync([.. ApiKeyScope.All.Except(op.Scopes!)])).ToString(),
            _ => KeyFor(op),
        };
        if (refusal == "payload_too_large")
            request = request with
            {
                Body =
                    request.Body
                    + new string(' ', IngestEventsHandler.MaxBodyBytes + 1 - Encoding.UTF8.GetByteCount(request.Body!)),
            };

        var answer = await SendAsync(
            request,
            key,
            refusal == "unsupported_media_type" ? "text/plain" : "application/json"
        );
        SkipIfNotBuilt(op, answer, $"{operation} refusal {refusal}");
        Check(op, answer, $"{operation} refusal {refusal}");
        Assert.True(
            status == answer.Status,
            $"{operation} {refusal}: expected {status}, the host answered {answer.Status}: {answer.Text}"
        );
        Assert.Equal(code, answer.Body!.Value.GetProperty("error").GetProperty("code").GetString());
        if (refusal == "missing_scope")
            Assert.Contains(
                answer.Body.Value.GetProperty("error").GetProperty("details").GetProperty("scope").GetString(),
                op.Scopes!
            );
        if (op.ResponseExamples(status).TryGetValue(refusal, out var example))
            AssertAgrees(example, answer, $"{operation} refusal {refusal}");
        Log(
            $"{operation} refusal {refusal}: {answer.Status} {code} as documented"
                + (
                    example.ValueKind == JsonValueKind.Undefined
                        ? ""
                        : $", agreeing with response example {status}/{refusal}"
                )
        );
    }

    [Fact]
    public async Task a_key_over_its_rate_gets_the_documented_429()
    {
        var create = Spec.Operation("POST /v1/admin/keys");
        var events = Spec.Operation("POST /v1/events");
        var body = """{"scopes":["ingest"],"name":"openapi contract: rate limit","rate_per_second":1,"burst":1}""";
        var made = await SendAsync(
            new SpecRequest("POST", "/v1/admin/keys", new Dictionary<string, string>(), body),
            DevKey
        );
        SkipIfNotBuilt(
            create,
            made,
            $"the 429 of {events.Id} (a key with a small rate comes from POST /v1/admin/keys)"
        );
        Check(create, made, "creating a key with rate_per_second 1 and burst 1");
        Assert.Equal(201, made.Status);
        var key = made.Body!.Value.GetProperty("data").GetProperty("key").GetString()!;

        var request = events.Request(SuccessCase(events));
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var answer = await SendAsync(request, key);
            Check(events, answer, $"{events.Id} request {attempt} with a key limited to 1 per second");
            if (answer.Status != 429)
                continue;
            AssertAgrees(events.ResponseExamples(429)["rate_limited"], answer, $"{events.Id} rate limited");
            Log($"{events.Id}: 429 on request {attempt}, with the documented headers and body");
            return;
        }
        Assert.Fail(
            $"{events.Id}: six requests at once with a key of rate_per_second 1 and burst 1 never got the "
                + "documented 429"
        );
    }

    [Fact]
    public async Task while_postgres_is_down_each_operation_answers_as_documented()
    {
        var directory = Path.Combine(
            Path.GetTempPath(),
            "pit-tests",
            "openapi-outage-" + Guid.NewGuid().ToString("N")[..8],
            "postgres"
        );
        await using var server = await PostgresServer.StartAsync(directory, fresh: true, durable: false, Ct);
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            SearchPath = "outage",
            Timeout = 3,
        }.ConnectionString;
        var database = new TestDatabase("outage", connectionString, NpgsqlDataSource.Create(connectionString));
        await using var pipeline = await TestPipeline.StartAsync(database, kafka, blob, runConsumers: false);
        var key = pipeline.Host.DevKey.ToString();
        await server.StopAsync(immediate: true, Ct);

        foreach (var op in Spec.Operations)
        {
            var answer = await SendAsync(
                op.Request(SuccessCase(op)),
                op.Scopes is null ? null : key,
                baseAddress: pipeline.Host.BaseAddress
            );
            if (IsMissingRoute(answer))
            {
                Assert.True(
                    NotMappedYet.Contains(op.Id),
                    $"{op.Id} answered {answer.Status} without an error body: the host lacks the route"
                );
                Log($"SKIPPED {op.Id} during the outage: the local host has no route for it yet ({answer.Status})");
                continue;
            }
            Check(op, answer, $"{op.Id} while Postgres is down");
            if (!op.Responses.ContainsKey(503))
            {
                Log($"{op.Id} while Postgres is down: {answer.Status} (it documents no 503)");
                continue;
            }
            Assert.True(
                answer.Status == 503,
                $"{op.Id} while Postgres is down: expected 503, the host answered {answer.Status}: {answer.Text}"
            );
            var examples = op.ResponseExamples(503);
            var example = examples.TryGetValue("outage", out var outage) ? outage : examples.Values.Single();
            AssertAgrees(example, answer, $"{op.Id} while Postgres is down");
            Log($"{op.Id} while Postgres is down: 503 as documented");
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private sealed record Answer(int Status, string Text, JsonElement? Body, HttpResponseMessage Response);

    private string DevKey => host.Pipeline.Host.DevKey.ToString();

    private string OperatorKey => host.Pipeline.Host.OperatorKey.ToString();

    /// <summary>
    /// The development operator key for the operations only operators call, the development key for every other.
    /// </summary>
    private string KeyFor(SpecOperation op) =>
        op.Scopes is { Count: > 0 } scopes && scopes.All(s => s == ApiKeyScope.Operator) ? OperatorKey : DevKey;

    private async Task<Answer> SendAsync(
        SpecRequest request,
        string? key,
        string contentType = "application/json",
        Uri? baseAddress = null
    )
    {
        using var client = new HttpClient
        {
            BaseAddress = baseAddress ?? host.Pipeline.Host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(90),
        };
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery);
        if (key is not null)
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        foreach (var (name, value) in request.Headers)
            message.Headers.TryAddWithoutValidation(name, value);
        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        var response = await client.SendAsync(message, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        JsonElement? body = null;
        if (text.Length > 0)
        {
            try
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException) { }
        }
        return new Answer((int)response.StatusCode, text, body, response);
    }

    /// <summary>
    /// A 404 or 405 without the API's error body is ASP.NET Core's answer for a route it does not have.
    /// </summary>
    private static bool IsMissingRoute(Answer answer) =>
        answer.Status is 404 or 405
        && !(answer.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("error", out _));

    private static void SkipIfNotBuilt(SpecOperation op, Answer answer, string what)
    {
        if (!IsMissingRoute(answer))
            return;
        Assert.True(
            NotMappedYet.Contains(op.Id),
            $"{what}: {op.Id} answered {answer.Status} without an error body: the host lacks the route"
        );
        Assert.Skip(
            $"{what}: not exercised, the local host has no route for {op.Id} yet (it answered "
                + $"{answer.Status}); admin keys are being built on main"
        );
    }

    /// <summary>
    /// The status is documented for the operation; the body and headers are valid against that response.
    /// </summary>
    private static void Check(SpecOperation op, Answer answer, string what)
    {
        Assert.True(
            op.Responses.ContainsKey(answer.Status),
            $"{what}: {op.Id} answered {answer.Status}, which the spec does not document for it (it "
                + $"documents {string.Join(", ", op.Responses.Keys)}): {Cut(answer.Text)}"
        );
        if (op.ResponseMedia(answer.Status) is { } media)
        {
            Assert.Equal("application/json", answer.Response.Content.Headers.ContentType?.MediaType);
            Assert.True(answer.Body is not null, $"{what}: the {answer.Status} body is not JSON: {Cut(answer.Text)}");
            var errors = Spec.Schemas.Validate(media.GetProperty("schema"), answer.Body!.Value);
            Assert.True(
                errors.Count == 0,
                $"{what}: the {answer.Status} body breaks its documented schema:\n  "
                    + $"{string.Join("\n  ", errors)}\nbody: {Cut(answer.Text)}"
            );
        }
        else if (
            op.Responses[answer.Status].TryGetProperty("content", out var content)
            && content.TryGetProperty("image/svg+xml", out _)
        )
        {
            Assert.Equal("image/svg+xml", answer.Response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("svg", System.Xml.Linq.XDocument.Parse(answer.Text).Root!.Name.LocalName);
        }
        else if (
            op.Responses[answer.Status].TryGetProperty("content", out var lines)
            && lines.TryGetProperty("application/x-ndjson", out _)
        )
        {
            Assert.Equal("application/x-ndjson", answer.Response.Content.Headers.ContentType?.MediaType);
            foreach (var line in answer.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                JsonDocument.Parse(line).Dispose();
        }
        else
        {
            Assert.True(
                answer.Text.Length == 0,
                $"{what}: {answer.Status} is documented without a body, the host sent {Cut(answer.Text)}"
            );
        }
        if (!op.Responses[answer.Status].TryGetProperty("headers", out var headers))
            return;
        foreach (var header in headers.EnumerateObject())
        {
            var documented = Spec.Resolve(header.Value);
            var schema = documented.GetProperty("schema");
            var present =
                answer.Response.Headers.TryGetValues(header.Name, out var values)
                || answer.Response.Content.Headers.TryGetValues(header.Name, out values);
            // A header marked required: false (Preference-Applied) is sent only sometimes: checked when present.
            if (!present && documented.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.False)
                continue;
            Assert.True(present, $"{what}: the documented header {header.Name} is missing from the {answer.Status}");
            var value = values!.Single();
            var asJson =
                schema.GetProperty("type").GetString() == "integer"
                && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number)
                    ? JsonSerializer.SerializeToElement(number)
                    : JsonSerializer.SerializeToElement(value);
            var errors = Spec.Schemas.Validate(schema, asJson);
            Assert.True(
                errors.Count == 0,
                $"{what}: header {header.Name}: {value} breaks its schema: {string.Join("; ", errors)}"
            );
        }
    }

    /// <summary>
    /// The answer shows what the example shows: every member of the example is in the answer with the same value
    /// (values the server chooses aside), and arrays have the same length.
    /// </summary>
    private static void AssertAgrees(JsonElement example, Answer answer, string what)
    {
        var differences = new List<string>();
        Agree(example, answer.Body!.Value, "", differences);
        Assert.True(
            differences.Count == 0,
            $"{what}: the answer disagrees with the documented example:\n  "
                + $"{string.Join("\n  ", differences)}\nanswer: {Cut(answer.Text)}"
        );
    }

    private static void Agree(JsonElement example, JsonElement actual, string pointer, List<string> differences)
    {
        if (example.ValueKind != actual.ValueKind)
        {
            differences.Add($"{pointer}: the example has {example.GetRawText()}, the answer {actual.GetRawText()}");
            return;
        }
        switch (example.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in example.EnumerateObject())
                {
                    var at = $"{pointer}/{member.Name}";
                    if (!actual.TryGetProperty(member.Name, out var value))
                        differences.Add($"{at}: in the example, not in the answer");
                    else if (!ChosenByServer.Contains(member.Name))
                        Agree(member.Value, value, at, differences);
                }
                break;
            case JsonValueKind.Array:
                if (example.GetArrayLength() != actual.GetArrayLength())
                {
                    differences.Add(
                        $"{pointer}: the example has {example.GetArrayLength()} items, the answer "
                            + $"{actual.GetArrayLength()}"
                    );
                    return;
                }
                var i = 0;
                foreach (var (x, y) in example.EnumerateArray().Zip(actual.EnumerateArray()))
                    Agree(x, y, $"{pointer}/{i++}", differences);
                break;
            default:
                if (!JsonElement.DeepEquals(example, actual))
                    differences.Add(
                        $"{pointer}: the example has {example.GetRawText()}, the answer {actual.GetRawText()}"
                    );
                break;
        }
    }

    /// <summary>The first documented request that expects a success (and is not a 207 of refused events).</summary>
    private static string SuccessCase(SpecOperation op) =>
        op.Cases.First(c => op.PairedStatus(c) is null or (>= 200 and < 300 and not 207));

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static string Cut(string text) => text.Length <= 2000 ? text : text[..2000] + "...";

    private static JsonNode ToComponentReferences(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    if (name == "$ref")
                        o[name] = value!
                            .GetValue<string>()
                            .Replace("#/definitions/", "#/components/schemas/", StringComparison.Ordinal);
                    else if (value is not null)
                        ToComponentReferences(value);
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                    if (item is not null)
                        ToComponentReferences(item);
                break;
        }
        return node;
    }

    [GeneratedRegex(@"^\| `(?<code>ERR_[A-Z_]+)` \| (?<statuses>[0-9, ]+) \|", RegexOptions.Multiline)]
    private static partial Regex InfoTableRow();

    [GeneratedRegex(@"""(ERR_[A-Z_]+)""")]
    private static partial Regex ErrorCodeLiteral();
}
