using System.Diagnostics;
using System.Text.Json;

namespace CacheCluster.Tests.Readme;

/// <summary>
/// README's code blocks work as written: each C# block compiles on its own as a new web project's file, each JSON block
/// parses, each shell block is valid bash. (The shell blocks' commands themselves run in the end-to-end tests.)
/// </summary>
public sealed class ReadmeBlockTests
{
    public static TheoryData<int> CSharpBlocks => ReadmeBlock.Lines("csharp");

    public static TheoryData<int> JsonBlocks => ReadmeBlock.Lines("json");

    public static TheoryData<int> BashBlocks => ReadmeBlock.Lines("bash");

    [Fact]
    public void EveryBlock_NamesItsLanguage()
    {
        var unnamed = ReadmeBlock.ReadAll().Where(b => b.Language.Length == 0).Select(b => b.Line).ToList();

        Assert.True(unnamed.Count == 0, $"README.md blocks without a language (csharp, bash, json, text): lines {string.Join(", ", unnamed)}");
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void CSharpBlock_Compiles(int line)
    {
        var errors = ReadmeCSharpCompiler.Errors(ReadmeBlock.At(line).Text);

        Assert.True(errors.Count == 0, $"README.md line {line}:\n{string.Join('\n', errors)}");
    }

    [Theory]
    [MemberData(nameof(JsonBlocks))]
    public void JsonBlock_Parses(int line)
    {
        using var document = JsonDocument.Parse(ReadmeBlock.At(line).Text);

        Assert.NotEqual(JsonValueKind.Undefined, document.RootElement.ValueKind);
    }

    [Theory]
    [MemberData(nameof(BashBlocks))]
    public async Task BashBlock_IsValidBash(int line)
    {
        var start = new ProcessStartInfo("bash", ["-n"]) { RedirectStandardInput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(ReadmeBlock.At(line).Text);
        bash.StandardInput.Close();
        var errors = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.True(bash.ExitCode == 0, $"README.md line {line}: {errors}");
    }
}
