using System.Xml.Linq;

namespace PitPlatform.Architecture.Tests;

/// <summary>
/// The project references of the repository as they are: every .csproj outside bin/, obj/ and node_modules/, named
/// by its path from the repository root with forward slashes, and the projects each one's ProjectReference elements
/// name (whatever their Condition, so a reference made only in some builds counts too).
/// </summary>
internal sealed class ProjectGraph
{
    private ProjectGraph(string root, IReadOnlyDictionary<string, IReadOnlySet<string>> references)
    {
        Root = root;
        References = references;
    }

    public string Root { get; }

    /// <summary>Project path to the paths of the projects it references directly.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> References { get; }

    public static ProjectGraph Load()
    {
        var root = FindRoot();
        var references = new SortedDictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Relative(root, file);
            if (relative.Split('/').Any(part => part is "bin" or "obj" or "node_modules" || part.StartsWith('.')))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(file)!;
            var named = XDocument
                .Load(file)
                .Descendants()
                .Where(element => element.Name.LocalName == "ProjectReference")
                .Select(element =>
                    element.Attribute("Include")?.Value
                    ?? throw new InvalidOperationException($"{relative}: a ProjectReference without Include")
                )
                .Select(include =>
                    Relative(root, Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/'))))
                )
                .ToHashSet(StringComparer.Ordinal);
            references[relative] = named;
        }

        return new ProjectGraph(root, references);
    }

    /// <summary>Every project reachable from <paramref name="project"/> through one or more references.</summary>
    public IReadOnlySet<string> Reachable(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(References.TryGetValue(project, out var direct) ? direct : []);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next) && References.TryGetValue(next, out var further))
            {
                foreach (var reference in further)
                {
                    pending.Push(reference);
                }
            }
        }

        return seen;
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "PitPlatform.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            "the repository root (the directory holding PitPlatform.sln) was not found"
        );
    }
}
