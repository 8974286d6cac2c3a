namespace CacheCluster.Tests.Fixtures;

/// <summary>A test server exited at start because one of its ports was taken ("Address already in use").</summary>
public sealed class PortInUseException : InvalidOperationException
{
    public PortInUseException()
    {
    }

    public PortInUseException(string message)
        : base(message)
    {
    }

    public PortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
