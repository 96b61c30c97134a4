namespace PitPlatform.Deployment.Tests;

/// <summary>Paths in the checkout the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } =
        LocalHost.Embedded.RepositoryRoot.Find()
        ?? throw new InvalidOperationException(
            "the repository root (the directory holding PitPlatform.sln) was not found"
        );

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
