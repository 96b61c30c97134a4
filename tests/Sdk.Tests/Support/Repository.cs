namespace PitPlatform.Sdk.Tests.Support;

/// <summary>
/// The checkout the tests run from: the directory above the test binaries that holds PitPlatform.sln.
/// </summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PitPlatform.sln")))
            directory = directory.Parent;
        return directory?.FullName
            ?? throw new InvalidOperationException("PitPlatform.sln not found above the test binaries");
    }
}
