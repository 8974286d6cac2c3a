namespace CacheCluster.Http.Hosting;

/// <summary>
/// Endpoint metadata: the query parameters an endpoint reads. Any other parameter is refused with 400
/// <c>invalid-request</c> naming it, so that a typo such as <c>?tll=10</c> cannot store an entry that never expires.
/// </summary>
/// <param name="Names">The parameters the endpoint reads; none for an endpoint that takes no query.</param>
internal sealed record QueryParameters(params string[] Names)
{
    /// <summary>Gets the metadata of an endpoint that reads no query parameter.</summary>
    public static QueryParameters None { get; } = new();

    /// <summary>Returns the first parameter of <paramref name="query"/> this endpoint does not read, or <see langword="null"/>.</summary>
    /// <param name="query">The request's query.</param>
    /// <returns>The unknown parameter's name.</returns>
    public string? FirstUnknown(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        foreach (var name in query.Keys)
        {
            if (Array.IndexOf(Names, name) < 0)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Describes what the endpoint takes, for the problem's detail.</summary>
    /// <returns>Such as "?ttl= and ?fresh=", or "no query parameters".</returns>
    public string Describe() => Names.Length == 0
        ? "no query parameters"
        : string.Join(" and ", Names.Select(n => $"?{n}="));
}
