using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>Adds response headers (rate-limit state) to another result.</summary>
public sealed class ResultWithHeaders(IResult inner, IReadOnlyList<KeyValuePair<string, string>> headers) : IResult
{
    public IResult Inner => inner;
    public IReadOnlyList<KeyValuePair<string, string>> Headers => headers;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        foreach (var (name, value) in headers)
            httpContext.Response.Headers[name] = value;
        return inner.ExecuteAsync(httpContext);
    }
}
