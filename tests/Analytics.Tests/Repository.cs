namespace PitPlatform.Analytics.Tests;

/// <summary>The checkout the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PitPlatform.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("PitPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
