using System.Reflection;

namespace CacheCluster.Tests.Hosting;

/// <summary>An <see cref="IClusterClient"/> whose grains fail every call with one exception, as Orleans' transport would.</summary>
public class FailingClient : DispatchProxy
{
    private static readonly MethodInfo FromException = typeof(Task).GetMethods().Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethod);

    private Exception _error = null!;

    public static IClusterClient Create(Exception error)
    {
        var client = DispatchProxy.Create<IClusterClient, FailingClient>();
        ((FailingClient)(object)client)._error = error;
        return client;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var returns = targetMethod.ReturnType;
        if (returns.IsInterface && typeof(IAddressable).IsAssignableFrom(returns))
        {
            // GetGrain<T>: a grain of the same kind.
            var grain = typeof(DispatchProxy).GetMethod(nameof(DispatchProxy.Create), 2, [])!.MakeGenericMethod(returns, typeof(FailingClient)).Invoke(null, null)!;
            ((FailingClient)grain)._error = _error;
            return grain;
        }

        if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return FromException.MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(null, [_error]);
        }

        return returns == typeof(Task) ? Task.FromException(_error) : throw new NotSupportedException(targetMethod.Name);
    }
}
