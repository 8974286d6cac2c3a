using System.CommandLine;

namespace CacheCluster.Cli.Commands;

/// <summary>The <c>KEY</c> argument, checked before connecting so a bad key is a usage error (exit 2).</summary>
internal static class KeyArgument
{
    public static Argument<string> Create()
    {
        var key = new Argument<string>("KEY") { Description = "The key" };
        key.Validators.Add(result =>
        {
            try
            {
                CacheKey.Validate(result.GetValueOrDefault<string>());
            }
            catch (InvalidCacheKeyException ex)
            {
                result.AddError(ex.Message);
            }
        });

        return key;
    }
}
