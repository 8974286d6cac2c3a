namespace CacheCluster.Samples.Shop.Catalog;

/// <summary>The body of <c>PUT /products/{id}</c>: the product's new name and price.</summary>
internal sealed record ProductChange(string? Name, decimal? Price)
{
    public const int MaxNameLength = 100;

    /// <summary>What is wrong with the change, by field, or an empty dictionary when it is valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength || Name.Any(char.IsControl))
        {
            errors["name"] = [$"A name of 1 to {MaxNameLength} characters without control characters is required."];
        }

        if (Price is not { } price || price <= 0 || price > 1_000_000)
        {
            errors["price"] = ["A price greater than 0 and at most 1000000 is required."];
        }

        return errors;
    }
}
