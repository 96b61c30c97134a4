namespace PitPlatform.LocalHost.Embedded;

/// <summary>The checkout's root (where PitPlatform.sln is), found from the working directory or the binaries.</summary>
public static class RepositoryRoot
{
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("PIT_REPO_ROOT") is { Length: > 0 } configured)
            return configured;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PitPlatform.sln")))
                    return dir.FullName;
            }
        }
        return null;
    }
}
