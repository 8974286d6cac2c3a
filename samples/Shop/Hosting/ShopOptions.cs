namespace CacheCluster.Samples.Shop.Hosting;

/// <summary>The shop's own settings, bound from the <c>Shop</c> section.</summary>
internal sealed class ShopOptions
{
    public const string SectionName = "Shop";

    /// <summary>
    /// Whether the shop hosts a CacheCluster silo in its own process (embedded mode, its ports and policies from the
    /// <c>CacheCluster</c> section), or connects as a client to a running cluster (gateways or Redis from that section).
    /// </summary>
    /// <value><see langword="true"/>: one command runs everything.</value>
    public bool HostSilo { get; set; } = true;

    /// <summary>How long each read of the stand-in database takes, so that caching is visible.</summary>
    /// <value>200 ms.</value>
    public TimeSpan DatabaseLatency { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The cluster rate-limit policy that guards <c>POST /checkout</c>; the silos define it.</summary>
    /// <value><c>checkout</c>.</value>
    public string CheckoutPolicy { get; set; } = "checkout";

    /// <summary>
    /// A directory for the data-protection key ring, shared by every instance so that each can read the session cookie
    /// another issued; <see langword="null"/> keeps ASP.NET Core's default (the user profile, shared on one machine).
    /// </summary>
    public string? KeysDirectory { get; set; }
}
