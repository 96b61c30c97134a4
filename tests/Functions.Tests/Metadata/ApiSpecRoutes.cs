using YamlDotNet.RepresentationModel;

namespace PitPlatform.Functions.Tests.Metadata;

/// <summary>Every "METHOD /path" docs/API_SPEC.yaml declares.</summary>
internal static class ApiSpecRoutes
{
    private static readonly HashSet<string> Methods = ["get", "post", "put", "patch", "delete"];

    public static IReadOnlyList<string> All()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Repository.Path("docs", "API_SPEC.yaml"))));
        var paths = (YamlMappingNode)
            ((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("paths")];
        return
        [
            .. paths.Children.SelectMany(path =>
                ((YamlMappingNode)path.Value)
                    .Children.Keys.Select(key => ((YamlScalarNode)key).Value!)
                    .Where(Methods.Contains)
                    .Select(method => $"{method.ToUpperInvariant()} {Normalize(((YamlScalarNode)path.Key).Value!)}")
            ),
        ];
    }

    /// <summary>
    /// "/v1/x/{id:guid}" and "v1/x/{id}" are one route: leading slash and parameter constraints aside.
    /// </summary>
    public static string Normalize(string route) =>
        System.Text.RegularExpressions.Regex.Replace("/" + route.Trim('/'), @"\{([^}:=?]+)[^}]*\}", "{$1}");
}
