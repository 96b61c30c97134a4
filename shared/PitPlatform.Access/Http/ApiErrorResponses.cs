using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace PitPlatform.Access.Http;

/// <summary>
/// What both hosts do around every HTTP handler so that every error answer carries the API's error body
/// (<see cref="ApiErrors"/>), including the ones the framework makes itself: a 4xx or 5xx status set without a body
/// (no route: 404; a route without the method: 405 with Allow) gets the body of its status; a
/// <see cref="BadHttpRequestException"/> (a body over a limit: 413; malformed framing: 400; a body too slow: 408)
/// is answered with its status; any other exception is a 500 ERR_INTERNAL naming the request id, logged once here
/// with the exception and nowhere else. The local host runs it as <see cref="ApiErrorMiddleware"/>, the Functions
/// app as a worker middleware over its HTTP triggers.
/// </summary>
public static class ApiErrorResponses
{
    /// <summary>After the handler: gives a bodiless 4xx or 5xx the error body of its status.</summary>
    public static Task CompleteAsync(HttpContext context)
    {
        var response = context.Response;
        if (response.StatusCode < 400 || response.HasStarted || !string.IsNullOrEmpty(response.ContentType))
            return Task.CompletedTask;
        return ForStatus(context, response.StatusCode).ExecuteAsync(context);
    }

    /// <summary>
    /// An exception escaped the handler: answers it (when the answer has not started) and logs it when it is ours.
    /// </summary>
    /// <param name="operation">The route template or function name, for the log (never the raw path or the
    /// body).</param>
    public static async Task HandleExceptionAsync(
        HttpContext context,
        Exception exception,
        ILogger logger,
        string operation
    )
    {
        exception = Unwrap(exception);
        if (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer, and it is not a fault of ours.
            logger.LogDebug(
                "{Operation}: the client aborted the request ({Error})",
                operation,
                exception.GetType().Name
            );
            return;
        }
        if (exception is BadHttpRequestException bad)
        {
            // The client's fault, already counted by the server; no stack trace in our log.
            logger.LogInformation(
                "{Operation}: bad request {Status} ({Error})",
                operation,
                bad.StatusCode,
                bad.Message
            );
            if (!context.Response.HasStarted)
                await AnswerAsync(context, BadRequest(context, bad)).ConfigureAwait(false);
            return;
        }
        var requestId = ApiRequestId.Of(context);
        logger.LogError(
            exception,
            "{Operation}: unhandled {ExceptionType} answered 500 ERR_INTERNAL (request {RequestId})",
            operation,
            exception.GetType().FullName,
            requestId
        );
        if (context.Response.HasStarted)
        {
            // Part of a 2xx body is on its way (a streamed export): cut the connection so the client cannot take the
            // truncated body for a complete one.
            context.Abort();
            return;
        }
        if (ApiRequestId.IsEchoable(requestId))
            context.Response.Headers[ApiRequestId.Header] = requestId;
        await AnswerAsync(context, ApiErrors.Internal(requestId)).ConfigureAwait(false);
    }

    /// <summary>The error answer of a status a handler or the framework set without a body.</summary>
    public static IResult ForStatus(HttpContext context, int status) =>
        status switch
        {
            StatusCodes.Status404NotFound => ApiErrors.RouteNotFound(),
            StatusCodes.Status405MethodNotAllowed => ApiErrors.MethodNotAllowed([
                .. context
                    .Response.Headers.Allow.ToString()
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ]),
            StatusCodes.Status408RequestTimeout => ApiErrors.RequestTimeout(),
            StatusCodes.Status413PayloadTooLarge => ApiErrors.PayloadTooLarge(
                context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize
            ),
            StatusCodes.Status401Unauthorized => ApiErrors.Unauthenticated(),
            StatusCodes.Status403Forbidden => ApiErrors.Error(status, "ERR_FORBIDDEN", "the request is forbidden"),
            StatusCodes.Status415UnsupportedMediaType => ApiErrors.Error(
                status,
                "ERR_UNSUPPORTED_MEDIA_TYPE",
                "the body's media type is not one this operation takes"
            ),
            StatusCodes.Status429TooManyRequests => ApiErrors.Error(
                status,
                "ERR_RATE_LIMITED",
                "too many requests; retry later"
            ),
            StatusCodes.Status503ServiceUnavailable => ApiErrors.Unavailable("the service is unavailable; retry later"),
            >= 500 => Internal(context, status),
            _ => ApiErrors.Error(status, "ERR_BAD_REQUEST", "the request cannot be answered"),
        };

    private static IResult Internal(HttpContext context, int status)
    {
        var requestId = ApiRequestId.Of(context);
        if (ApiRequestId.IsEchoable(requestId))
            context.Response.Headers[ApiRequestId.Header] = requestId;
        return status == StatusCodes.Status500InternalServerError
            ? ApiErrors.Internal(requestId)
            : ApiErrors.Error(
                status,
                "ERR_INTERNAL",
                "the server failed to answer this request; report the request_id",
                new { request_id = requestId }
            );
    }

    private static IResult BadRequest(HttpContext context, BadHttpRequestException bad) =>
        bad switch
        {
            RequestBodyTooLargeException ours => ApiErrors.PayloadTooLarge(ours.Limit),
            { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiErrors.PayloadTooLarge(
                context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize
            ),
            { StatusCode: StatusCodes.Status408RequestTimeout } => ApiErrors.RequestTimeout(),
            _ => ApiErrors.MalformedRequest(),
        };

    /// <summary>Replaces whatever the handler set (status, headers, content type) with the error answer.</summary>
    private static Task AnswerAsync(HttpContext context, IResult result)
    {
        var keep = context.Response.Headers.TryGetValue(ApiRequestId.Header, out var id) ? id : default;
        context.Response.Clear();
        if (keep.Count > 0)
            context.Response.Headers[ApiRequestId.Header] = keep;
        return result.ExecuteAsync(context);
    }

    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    continue;
                case AggregateException aggregate when aggregate.InnerExceptions.Count == 1:
                    exception = aggregate.InnerExceptions[0];
                    continue;
                default:
                    return exception;
            }
        }
    }
}

/// <summary>
/// The local host's outermost middleware: <see cref="ApiErrorResponses"/> around routing and every endpoint.
/// </summary>
public sealed class ApiErrorMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("PitPlatform.Http.ApiErrors");

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await ApiErrorResponses.HandleExceptionAsync(context, e, _logger, Operation(context)).ConfigureAwait(false);
            return;
        }
        await ApiErrorResponses.CompleteAsync(context).ConfigureAwait(false);
    }

    /// <summary>The matched route's template and method (never the raw path, which is the client's text).</summary>
    private static string Operation(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint endpoint
            ? $"{context.Request.Method} /{endpoint.RoutePattern.RawText?.TrimStart('/')}"
            : $"{context.Request.Method} (no route)";
}
