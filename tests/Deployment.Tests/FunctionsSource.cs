using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PitPlatform.Deployment.Tests;

/// <summary>
/// What functions/PitPlatform.Functions declares, read from its source with Roslyn: its worker packages do not
/// restore here, so the app cannot be loaded, but its attributes can be read and their constants evaluated against
/// the shared assemblies it is built on.
/// </summary>
internal sealed class FunctionsSource
{
    public static readonly Lazy<FunctionsSource> App = new(() => Load(Repository.Path("functions", "PitPlatform.Functions")));

    public required IReadOnlyList<HttpFunction> Http { get; init; }
    public required IReadOnlyList<KafkaFunction> Kafka { get; init; }
    public required IReadOnlyList<TimerFunction> Timers { get; init; }
    public required IReadOnlyList<string> Orchestrators { get; init; }
    public required IReadOnlyList<string> Activities { get; init; }
    public required IReadOnlyList<string> Unreadable { get; init; }

    /// <summary>Every compiler error in the source, including those caused by the worker packages being absent here.</summary>
    public required IReadOnlyList<Diagnostic> Errors { get; init; }

    private static FunctionsSource Load(string directory)
    {
        var trees = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Preview), f))
            .ToList();
        var sourceTrees = trees.ToList();
        // The SDK's implicit usings, as the project has them.
        trees.Add(CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
            "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;",
            new CSharpParseOptions(LanguageVersion.Preview), "ImplicitUsings.g.cs"));
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        var platformNames = platform.Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // The shared projects and the packages they bring (Npgsql, Azure SDK, Confluent.Kafka, hosting abstractions).
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => !platformNames.Contains(Path.GetFileName(f)) && !Path.GetFileName(f).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        var references = platform.Concat(local).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("PitPlatform.Functions.Source", trees, references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var http = new List<HttpFunction>();
        var kafka = new List<KafkaFunction>();
        var timers = new List<TimerFunction>();
        var orchestrators = new List<string>();
        var activities = new List<string>();
        var unreadable = new List<string>();
        foreach (var tree in sourceTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                var function = Find(method.AttributeLists, "Function");
                if (function is null) continue;
                var name = Constant(model, function, 0) ?? $"<unreadable name at {tree.FilePath}:{method.GetLocation().GetLineSpan().StartLinePosition.Line + 1}>";
                foreach (var parameter in method.ParameterList.Parameters)
                {
                    if (Find(parameter.AttributeLists, "HttpTrigger") is { } httpTrigger)
                    {
                        var methods = Positional(httpTrigger).Select(a => model.GetConstantValue(a.Expression))
                            .Where(v => v is { HasValue: true, Value: string }).Select(v => ((string)v.Value!).ToUpperInvariant()).ToList();
                        var route = Named(model, httpTrigger, "Route");
                        if (route is null || methods.Count == 0) unreadable.Add($"{name}: HttpTrigger methods or Route");
                        else http.AddRange(methods.Select(m => new HttpFunction(name, m, route)));
                    }
                    else if (Find(parameter.AttributeLists, "KafkaTrigger") is { } kafkaTrigger)
                    {
                        var topic = Constant(model, kafkaTrigger, 1);
                        var group = Named(model, kafkaTrigger, "ConsumerGroup");
                        var batched = Named(model, kafkaTrigger, "IsBatched");
                        if (topic is null || group is null) unreadable.Add($"{name}: KafkaTrigger topic or ConsumerGroup");
                        else kafka.Add(new KafkaFunction(name, topic, group, batched == "True"));
                    }
                    else if (Find(parameter.AttributeLists, "TimerTrigger") is { } timerTrigger)
                    {
                        var schedule = Constant(model, timerTrigger, 0);
                        if (schedule is null) unreadable.Add($"{name}: TimerTrigger schedule");
                        else timers.Add(new TimerFunction(name, schedule));
                    }
                    else if (Find(parameter.AttributeLists, "OrchestrationTrigger") is not null) orchestrators.Add(name);
                    else if (Find(parameter.AttributeLists, "ActivityTrigger") is not null) activities.Add(name);
                }
            }
        }
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        return new FunctionsSource
        {
            Errors = errors,
            Http = http, Kafka = kafka, Timers = timers, Orchestrators = orchestrators, Activities = activities, Unreadable = unreadable,
        };
    }

    private static AttributeSyntax? Find(SyntaxList<AttributeListSyntax> lists, string name) =>
        lists.SelectMany(l => l.Attributes).FirstOrDefault(a =>
        {
            var simple = a.Name switch
            {
                QualifiedNameSyntax q => q.Right.Identifier.Text,
                SimpleNameSyntax s => s.Identifier.Text,
                _ => a.Name.ToString(),
            };
            return simple == name || simple == name + "Attribute";
        });

    private static IEnumerable<AttributeArgumentSyntax> Positional(AttributeSyntax attribute) =>
        attribute.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null) ?? [];

    private static string? Constant(SemanticModel model, AttributeSyntax attribute, int position) =>
        Positional(attribute).ElementAtOrDefault(position) is { } argument ? Text(model.GetConstantValue(argument.Expression)) : null;

    private static string? Named(SemanticModel model, AttributeSyntax attribute, string name) =>
        attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name) is { } argument
            ? Text(model.GetConstantValue(argument.Expression))
            : null;

    private static string? Text(Optional<object?> value) => value.HasValue ? Convert.ToString(value.Value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

internal sealed record HttpFunction(string Function, string Method, string Route);
internal sealed record KafkaFunction(string Function, string Topic, string ConsumerGroup, bool IsBatched);
internal sealed record TimerFunction(string Function, string Schedule);
