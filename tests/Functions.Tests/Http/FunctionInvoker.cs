using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Functions.Tests.Metadata;

namespace PitPlatform.Functions.Tests.Http;

/// <summary>
/// Invokes an HTTP function the way the worker's ASP.NET Core integration does: a real HttpContext whose services are
/// the worker's container (one scope per invocation), the function class activated from it, route values bound by
/// parameter name. Only the Functions host's gRPC hop is left out.
/// </summary>
internal sealed class FunctionInvoker(IServiceProvider services, DurableTaskClient durable, string apiKey)
{
    public async Task<HttpAnswer> InvokeAsync(
        FunctionEntry function,
        HttpSample sample,
        CancellationToken cancellationToken
    )
    {
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = sample.Method;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1");
        request.Path = sample.Path;
        request.QueryString = new QueryString(sample.Query);
        request.Headers.Authorization = $"Bearer {apiKey}";
        if (sample.Json is not null)
        {
            var body = Encoding.UTF8.GetBytes(sample.Json);
            request.ContentType = "application/json";
            request.ContentLength = body.Length;
            request.Body = new MemoryStream(body);
        }
        var response = new MemoryStream();
        context.Response.Body = response;

        var split = function.EntryPoint.LastIndexOf('.');
        var type = typeof(FunctionBindings).Assembly.GetType(function.EntryPoint[..split])!;
        var method = type.GetMethod(function.EntryPoint[(split + 1)..])!;
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
        var routeValues = RouteValues(function.Trigger.Text("route")!, sample.Path)
            ?? throw new ArgumentException($"{sample} does not match {function.Name}'s route");
        var arguments = method
            .GetParameters()
            .Select(p => Argument(p, request, routeValues, cancellationToken))
            .ToArray();
        await (Task)method.Invoke(instance, arguments)!;

        return HttpAnswer.From(context.Response.StatusCode, context.Response.ContentType, response.ToArray());
    }

    private object Argument(
        ParameterInfo parameter,
        HttpRequest request,
        Dictionary<string, string> routeValues,
        CancellationToken cancellationToken
    ) =>
        parameter.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => request,
            var t when t == typeof(CancellationToken) => cancellationToken,
            var t when t == typeof(DurableTaskClient) => durable,
            var t when t == typeof(string) && routeValues.TryGetValue(parameter.Name!, out var value) => value,
            _ => throw new NotSupportedException(
                $"no binding for parameter {parameter.Name} of type {parameter.ParameterType}"
            ),
        };

    /// <summary>Matches "v1/deletions/{id}/approve" against "/v1/deletions/123/approve".</summary>
    /// <returns>The route values by name, or null when the path does not match the template.</returns>
    public static Dictionary<string, string>? RouteValues(string template, string path)
    {
        var names = template.Trim('/').Split('/');
        var parts = path.Trim('/').Split('/');
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (names.Length != parts.Length)
            return null;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].StartsWith('{'))
                values[names[i].Trim('{', '}').Split(':')[0]] = Uri.UnescapeDataString(parts[i]);
            else if (!string.Equals(names[i], parts[i], StringComparison.OrdinalIgnoreCase))
                return null;
        }
        return values;
    }
}
