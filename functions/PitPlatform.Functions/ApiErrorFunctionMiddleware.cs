using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.Http;

namespace PitPlatform.Functions;

/// <summary>
/// The worker's counterpart of the local host's <see cref="ApiErrorMiddleware"/>: <see cref="ApiErrorResponses"/>
/// around every HTTP function, on the HttpContext the ASP.NET Core integration hands over. An exception it answers
/// does not reach the worker or the host, so it is logged once, here.
/// </summary>
public sealed class ApiErrorFunctionMiddleware(ILoggerFactory loggers) : IFunctionsWorkerMiddleware
{
    private readonly ILogger _logger = loggers.CreateLogger("PitPlatform.Http.ApiErrors");

    public static bool IsHttpTrigger(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(b =>
            string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase)
        );

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            await ApiErrorResponses.HandleExceptionAsync(http, e, _logger, context.FunctionDefinition.Name);
            return;
        }
        await ApiErrorResponses.CompleteAsync(http);
    }
}
