using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CacheCluster.Tests.Readme;

/// <summary>
/// Compiles one README C# block as a user would paste it: the whole <c>Program.cs</c> (or one class file) of a
/// <c>dotnet new web</c> project that references CacheCluster.Client and its adapter packages, with that SDK's implicit
/// usings and nullable on, and nothing else around it.
/// </summary>
internal static class ReadmeCSharpCompiler
{
    /// <summary>The usings the Web SDK adds to every file of a new project (ImplicitUsings=enable).</summary>
    private const string WebSdkImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Net.Http.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>Compiles <paramref name="code"/> and returns its errors, each with its line in the block.</summary>
    /// <param name="code">The block's text.</param>
    /// <returns>The errors; empty when it compiles.</returns>
    public static IReadOnlyList<string> Errors(string code)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(code, parse, path: "Program.cs");
        var usings = CSharpSyntaxTree.ParseText(WebSdkImplicitUsings, parse, path: "GlobalUsings.g.cs");
        var topLevel = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "ReadmeBlock",
            [tree, usings],
            References.Value,
            new CSharpCompilationOptions(topLevel ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
                .WithNullableContextOptions(NullableContextOptions.Enable));
        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"block line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")];
    }

    private static List<MetadataReference> LoadReferences()
    {
        // The test host's own assemblies: the .NET and ASP.NET Core shared frameworks and every CacheCluster assembly
        // this project references (the client, src/Caching, src/AspNetCore) with their packages.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. paths
            .Where(p => !Path.GetFileName(p).StartsWith("xunit", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p))];
    }
}
