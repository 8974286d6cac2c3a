namespace CacheCluster.Invalidation;

/// <summary>The embedded-mode tag index: per tag, each key with its expiry.</summary>
internal class MemoryTagIndex : ITagIndex
{
    private readonly Dictionary<string, Dictionary<string, long>> _tags = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task AddAsync(IReadOnlyCollection<string> tags, string key, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        Add(tags, key, expiresAt);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(IReadOnlyCollection<string> tags, string key)
    {
        Remove(tags, key);
        return Task.CompletedTask;
    }

    /// <summary>Registers <paramref name="key"/> under each tag, synchronously (the embedded store calls it under its key lock).</summary>
    internal void Add(IReadOnlyCollection<string> tags, string key, DateTimeOffset? expiresAt)
    {
        var expiry = expiresAt?.UtcTicks ?? long.MaxValue;
        lock (_lock)
        {
            foreach (var tag in tags)
            {
                if (!_tags.TryGetValue(tag, out var members))
                {
                    _tags[tag] = members = new(StringComparer.Ordinal);
                }

                members[key] = expiry;
            }
        }
    }

    /// <summary>Drops <paramref name="key"/> from each tag, synchronously.</summary>
    internal void Remove(IReadOnlyCollection<string> tags, string key)
    {
        lock (_lock)
        {
            foreach (var tag in tags)
            {
                if (_tags.TryGetValue(tag, out var members) && members.Remove(key))
                {
                    if (members.Count == 0)
                    {
                        _tags.Remove(tag);
                    }
                    else if (members.Count < members.EnsureCapacity(0) / 4)
                    {
                        // A set that lost most of its members (evictions, a sweep) gives their space back.
                        members.TrimExcess();
                    }
                }
            }
        }
    }

    /// <summary>Gets how many keys are registered under <paramref name="tag"/>, expired ones included.</summary>
    internal int Count(string tag)
    {
        lock (_lock)
        {
            return _tags.TryGetValue(tag, out var members) ? members.Count : 0;
        }
    }

    public Task<IReadOnlyList<string>> MembersAsync(string tag, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_tags.TryGetValue(tag, out var members))
            {
                return Task.FromResult<IReadOnlyList<string>>([]);
            }

            // Prune as the tag is used: expired entries leave their tags' registrations.
            foreach (var (key, expiry) in members.Where(m => m.Value <= now.UtcTicks).ToList())
            {
                members.Remove(key);
            }

            return Task.FromResult<IReadOnlyList<string>>([.. members.Keys]);
        }
    }
}
