using CacheCluster.Hosting;

namespace CacheCluster.Tests.Operations;

public sealed class OperationsOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        var options = new OperationsOptions();
        Assert.True(new OperationsOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(10, options.SlowLog.ThresholdMs);
        Assert.False(options.SlowLog.IncludeKeys);
    }

    [Fact]
    public void BadValues_AreReported_ByConfigurationKey()
    {
        var options = new OperationsOptions();
        options.SlowLog.ThresholdMs = -1;
        options.SlowLog.MaxLength = 0;
        options.HotKeys.Capacity = 5_000;
        options.HotKeys.HalfLife = TimeSpan.Zero;

        var result = new OperationsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Collection(
            result.Failures!,
            failure => Assert.StartsWith("CacheCluster:SlowLog:ThresholdMs ", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("CacheCluster:SlowLog:MaxLength ", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("CacheCluster:HotKeys:Capacity ", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("CacheCluster:HotKeys:HalfLife ", failure, StringComparison.Ordinal));
    }
}
