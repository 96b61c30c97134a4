using Xunit;

namespace PitPlatform.Contracts.Tests;

/// <summary>buf guards the protos: they lint clean, and a wire-breaking edit fails the breaking-change check.</summary>
public sealed class proto_compatibility
{
    [Fact]
    public async Task the_protos_pass_buf_lint()
    {
        var (exit, output) = await Tool.RunAsync(RepositoryFiles.Buf, ["lint"], RepositoryFiles.Protos);
        Assert.True(exit == 0, output);
    }

    [Theory]
    [InlineData("pit/events/v1/exec.proto", "int64 quantity = 3;", "int32 quantity = 3;", "changed type")]
    [InlineData("pit/events/v1/exec.proto", "int64 price_micros = 4;", "int64 price_micros = 40;", "deleted")]
    [InlineData("pit/envelope/v1/envelope.proto", "string tenant = 6;", "string tenant_id = 6;", "changed name")]
    public async Task a_wire_breaking_edit_fails_buf_breaking(
        string file,
        string before,
        string after,
        string complaint
    )
    {
        var original = Copy(RepositoryFiles.Protos);
        var edited = Copy(RepositoryFiles.Protos);
        var path = Path.Combine(edited, file);
        var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.Contains(before, text);
        await File.WriteAllTextAsync(path, text.Replace(before, after), TestContext.Current.CancellationToken);

        var (unchanged, unchangedOutput) = await Tool.RunAsync(
            RepositoryFiles.Buf,
            ["breaking", original, "--against", original]
        );
        var (exit, output) = await Tool.RunAsync(RepositoryFiles.Buf, ["breaking", edited, "--against", original]);

        Assert.True(unchanged == 0, unchangedOutput);
        Assert.NotEqual(0, exit);
        Assert.Contains(complaint, output);
    }

    private static string Copy(string source)
    {
        var target = Path.Combine(Path.GetTempPath(), "pit-protos-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }
}
