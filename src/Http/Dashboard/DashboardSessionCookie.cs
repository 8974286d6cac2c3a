namespace CacheCluster.Http.Dashboard;

/// <summary>
/// Endpoint metadata: besides <c>Authorization: Bearer KEY</c>, the endpoint accepts the dashboard's session cookie
/// (see <see cref="DashboardSessions"/>) when the request has no Authorization header. The scope check stays the same.
/// </summary>
internal sealed class DashboardSessionCookie
{
    public static readonly DashboardSessionCookie Instance = new();

    private DashboardSessionCookie()
    {
    }
}
