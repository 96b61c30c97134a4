using Microsoft.CodeAnalysis;

namespace PitPlatform.Deployment.Tests;

/// <summary>
/// The Functions app cannot be built here (its worker packages do not restore), but everything in it that touches our
/// own code can be compiled: with the worker's types missing, Roslyn reports those as unknown types and stays quiet
/// about their uses, so every other error (a wrong handler member, a duplicate name, a type mismatch with the shared
/// code) is still found here rather than in the GitHub workflow.
/// </summary>
public sealed class functions_source_compiles
{
    // Errors that only say "this external type or namespace is not referenced here".
    private static readonly HashSet<string> MissingPackageErrors = ["CS0246", "CS0234", "CS0400", "CS0012"];

    // Names from the worker packages used as expressions (enum values, static builders): "does not exist" here only
    // because their packages are missing. A name not listed is one of ours, and its absence a real error.
    private static readonly HashSet<string> WorkerNames =
    [
        "AuthorizationLevel", "BrokerProtocol", "BrokerAuthenticationMode", "FunctionsApplication", "OAuthBearerMethod",
        "TaskOptions", "TaskRetryOptions", "RetryPolicy", "OrchestrationRuntimeStatus", "DurableTaskClientExtensions",
    ];

    private static bool IsMissingPackage(Diagnostic error) =>
        MissingPackageErrors.Contains(error.Id) ||
        (error.Id == "CS0103" && WorkerNames.Any(name => error.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains($"'{name}'", StringComparison.Ordinal)));

    [Fact]
    public void the_functions_source_has_no_error_of_its_own()
    {
        var errors = FunctionsSource.App.Value.Errors
            .Where(e => !IsMissingPackage(e))
            .Select(e => $"{e.Id} {Path.GetFileName(e.Location.SourceTree?.FilePath)}:{e.Location.GetLineSpan().StartLinePosition.Line + 1} {e.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }
}
