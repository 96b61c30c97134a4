namespace PitPlatform.Contracts.Tests;

/// <summary>Paths in the checkout the tests run from.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Protos => Path.Combine(Root, "shared", "PitPlatform.Contracts", "Protos");

    public static string Buf => Path.Combine(Root, "node_modules", ".bin", "buf");

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
