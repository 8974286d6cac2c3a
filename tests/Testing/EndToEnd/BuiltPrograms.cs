using System.Reflection;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// Finds the built silo and CLI next to the sources. The test project references both projects with
/// <c>ReferenceOutputAssembly="false"</c>, so building the tests builds them in the same configuration.
/// </summary>
public static class BuiltPrograms
{
    private static readonly Lazy<string> LazySolutionDirectory = new(FindSolutionDirectory);

    /// <summary>The directory holding CacheCluster.sln.</summary>
    public static string SolutionDirectory => LazySolutionDirectory.Value;

    /// <summary>The configuration the tests were built in (Debug or Release), which the programs share.</summary>
    public static string Configuration { get; } =
        typeof(BuiltPrograms).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
        ?? throw new InvalidOperationException("The test assembly has no AssemblyConfigurationAttribute; cannot tell Debug from Release.");

    /// <summary>The full path of <c>CacheCluster.Silo.dll</c>; throws when it was not built.</summary>
    public static string Silo => Find(Path.Combine("src", "Silo"), "CacheCluster.Silo.dll");

    /// <summary>The full path of <c>cachecluster.dll</c>; throws when it was not built.</summary>
    public static string Cli => Find(Path.Combine("src", "Cli"), "cachecluster.dll");

    /// <summary>The full path of <c>CacheCluster.Samples.Shop.dll</c>, the sample shop; throws when it was not built.</summary>
    public static string Shop => Find(Path.Combine("samples", "Shop"), "CacheCluster.Samples.Shop.dll");

    /// <summary>The full path of <c>CacheCluster.FaultLoad.dll</c>, the fault tests' load client; throws when it was not built.</summary>
    public static string FaultLoad => Find(Path.Combine("tests", "FaultLoad"), "CacheCluster.FaultLoad.dll");

    private static string Find(string project, string assembly)
    {
        var path = Path.Combine(LazySolutionDirectory.Value, project, "bin", Configuration, "net10.0", assembly);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{assembly} was not found at {path}. Build the tests first (dotnet build tests/EndToEnd.Tests -c {Configuration}): " +
                $"they reference {project} with ReferenceOutputAssembly=false so that it is built alongside them.",
                path);
    }

    private static string FindSolutionDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CacheCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} contains CacheCluster.sln.");
    }
}
