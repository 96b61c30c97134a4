using Microsoft.AspNetCore.Http;

namespace PitPlatform.Functions;

/// <summary>
/// The one way an HTTP function runs a shared handler: linked cancellation, then the handler's result on the response.
/// </summary>
internal static class FunctionHttp
{
    public static async Task RunAsync(
        HttpRequest request,
        Func<CancellationToken, Task<IResult>> handle,
        CancellationToken cancellationToken
    )
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            request.HttpContext.RequestAborted
        );
        var result = await handle(cancellation.Token);
        await result.ExecuteAsync(request.HttpContext);
    }
}
