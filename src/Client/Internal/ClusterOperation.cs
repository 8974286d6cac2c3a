namespace CacheCluster.Internal;

/// <summary>
/// One kind of call the client makes to the cluster: its name (in errors) and what it does to the entry. Each call site
/// names its operation, so whether a failed call may have applied is stated where the call is defined, not guessed from
/// its name.
/// </summary>
internal sealed class ClusterOperation
{
    private ClusterOperation(string name, bool isWrite, bool changesValue)
    {
        Name = name;
        IsWrite = isWrite;
        ChangesValue = changesValue;
    }

    public static ClusterOperation Get { get; } = Read(nameof(Get));

    public static ClusterOperation Exists { get; } = Read(nameof(Exists));

    public static ClusterOperation TimeToLive { get; } = Read(nameof(TimeToLive));

    public static ClusterOperation Info { get; } = Read(nameof(Info));

    public static ClusterOperation ListRange { get; } = Read(nameof(ListRange));

    public static ClusterOperation ListLength { get; } = Read(nameof(ListLength));

    public static ClusterOperation Scan { get; } = Read(nameof(Scan));

    public static ClusterOperation Set { get; } = Write(nameof(Set));

    public static ClusterOperation Delete { get; } = Write(nameof(Delete));

    public static ClusterOperation Increment { get; } = Write(nameof(Increment));

    public static ClusterOperation ListPush { get; } = Write(nameof(ListPush));

    public static ClusterOperation ListRemove { get; } = Write(nameof(ListRemove));

    public static ClusterOperation ListTrim { get; } = Write(nameof(ListTrim));

    public static ClusterOperation Fill { get; } = Write(nameof(Fill));

    public static ClusterOperation Expire { get; } = Write(nameof(Expire));

    public static ClusterOperation Touch { get; } = Write(nameof(Touch));

    public static ClusterOperation Persist { get; } = Write(nameof(Persist));

    /// <summary>A read that also touches: a change in the cluster (the expiry), so this client's near copy is dropped.</summary>
    public static ClusterOperation GetAndTouch { get; } = Write(nameof(GetAndTouch));

    public static ClusterOperation ReleaseLease { get; } = Write(nameof(ReleaseLease));

    /// <summary>A lookup that may take a lease (a change in the cluster) but leaves the value as it is.</summary>
    public static ClusterOperation GetMany { get; } = Read(nameof(GetMany));

    public static ClusterOperation SetMany { get; } = Write(nameof(SetMany));

    public static ClusterOperation RemoveMany { get; } = Write(nameof(RemoveMany));

    public static ClusterOperation GetOrSetMany { get; } = new(nameof(GetOrSetMany), isWrite: true, changesValue: false);

    public static ClusterOperation GetOrSet { get; } = new(nameof(GetOrSet), isWrite: true, changesValue: false);

    /// <summary>A rate-limit decision: counts permits.</summary>
    public static ClusterOperation RateLimit { get; } = new("Acquire", isWrite: true, changesValue: false);

    public static ClusterOperation RemoveByTag { get; } = Write(nameof(RemoveByTag));

    public static ClusterOperation RemoveByPattern { get; } = Write(nameof(RemoveByPattern));

    public static ClusterOperation Publish { get; } = Write(nameof(Publish));

    /// <summary>Subscribing registers this client with the stream partitions, which counts as a change.</summary>
    public static ClusterOperation Subscribe { get; } = Write(nameof(Subscribe));

    /// <summary>Gets the operation's name, as errors report it.</summary>
    public string Name { get; }

    /// <summary>Gets a value indicating whether the call changes the cluster, so that after a failure its outcome is unknown.</summary>
    public bool IsWrite { get; }

    /// <summary>Gets a value indicating whether the call changes the entry's value, so that this client's near copy is dropped.</summary>
    public bool ChangesValue { get; }

    public override string ToString() => Name;

    private static ClusterOperation Read(string name) => new(name, isWrite: false, changesValue: false);

    private static ClusterOperation Write(string name) => new(name, isWrite: true, changesValue: true);
}
