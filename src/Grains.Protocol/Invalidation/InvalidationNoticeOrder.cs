using System.ComponentModel;

namespace CacheCluster;

/// <summary>How a notice follows the ones an observer saw before it in its partition.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum InvalidationNoticeOrder
{
    /// <summary>Seen already (a re-delivery), or from no partition: ignore it.</summary>
    Seen = 0,

    /// <summary>The next one in its partition.</summary>
    Next = 1,

    /// <summary>After a gap: notices before it were missed, so whatever they invalidated must be dropped too.</summary>
    AfterGap = 2,
}
