using System.Text.Json;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Invalidation.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Invalidation;

public sealed class InvalidationRuleTests
{
    private static InvalidationRuleSet SeedRules()
    {
        // The silo's shipped appsettings.json, bound as the silo binds it.
        var appsettings = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Silo", "appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(appsettings)).Build();
        var options = new InvalidationOptions();
        configuration.GetSection("CacheCluster:Invalidation").Bind(options);
        return new InvalidationRuleSet(Options.Create(options));
    }

    private static JsonElement Data(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void SeedRules_MapEachEventToItsTargets()
    {
        var rules = SeedRules();

        var user = rules.Resolve("user.updated", Data("""{"user_id": 42}"""), out var userMatched);
        var product = rules.Resolve("product.updated", Data("""{"product_id": "p-7"}"""), out _);
        var order = rules.Resolve("order.completed", Data("""{"order_id": 9, "user_id": "42"}"""), out _);

        Assert.True(userMatched);
        Assert.Equal(new[] { "user:42", "users:list" }, user.Keys);
        Assert.Equal(new[] { "user:42:*", "users:list:*" }, user.Patterns);
        Assert.Equal(new[] { "product:p-7", "products:list" }, product.Keys);
        Assert.Equal(new[] { "products:list:*" }, product.Patterns);
        Assert.Equal(new[] { "product:p-7", "products" }, product.Tags);
        Assert.Empty(user.Tags);
        Assert.Empty(order.Tags);
        Assert.Equal(new[] { "order:9", "user:42:orders" }, order.Keys);
        Assert.Equal(new[] { "user:42:orders:*" }, order.Patterns);
    }

    [Fact]
    public void UnknownEventType_IsUnmatched_NotAnError()
    {
        var targets = SeedRules().Resolve("cart.abandoned", Data("{}"), out var matched);

        Assert.False(matched);
        Assert.True(targets.IsEmpty);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"user_id": null}""")]
    [InlineData("""{"user_id": {"id": 1}}""")]
    [InlineData("""{"user_id": [1]}""")]
    [InlineData("""{"userid": 42}""")]
    public void MissingOrNonScalarField_RejectsTheEvent(string data)
    {
        var error = Assert.Throws<InvalidDomainEventException>(() => SeedRules().Resolve("user.updated", Data(data), out _));

        Assert.Contains("user_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataCannotWidenAPattern_OrProduceAnInvalidKey()
    {
        var rules = SeedRules();

        var escaped = rules.Resolve("user.updated", Data("""{"user_id": "*"}"""), out _);
        Assert.Equal(@"user:\*:*", escaped.Patterns[0]);
        Assert.False(CacheKeyPattern.Parse(escaped.Patterns[0]).IsMatch("user:1:profile"));
        Assert.True(CacheKeyPattern.Parse(escaped.Patterns[0]).IsMatch("user:*:profile"));

        Assert.Throws<InvalidDomainEventException>(() => rules.Resolve("product.updated", Data("""{"product_id": "bad\nid"}"""), out _));
        Assert.Throws<InvalidDomainEventException>(() => rules.Resolve("product.updated", Data($$"""{"product_id": "{{new string('x', 2000)}}"}"""), out _));
    }

    [Fact]
    public void NestedFieldsAndLiteralBraces_AreSupported()
    {
        var options = new InvalidationOptions();
        options.Rules["invoice.paid"] = new InvalidationRuleOptions();
        options.Rules["invoice.paid"].Keys.Add("invoice:{invoice.id}:{{raw}}");
        options.Rules["invoice.paid"].Tags.Add("customer:{customer}");

        var targets = new InvalidationRuleSet(Options.Create(options)).Resolve("invoice.paid", Data("""{"invoice": {"id": 5}, "customer": "c1"}"""), out _);

        Assert.Equal(new[] { "invoice:5:{raw}" }, targets.Keys);
        Assert.Equal(new[] { "customer:c1" }, targets.Tags);
    }

    [Theory]
    [InlineData("user:{user_id")]
    [InlineData("user:{}")]
    [InlineData("user:}")]
    [InlineData("user:{a b}")]
    public void MalformedTemplate_StopsTheSilo_NamingTheKey(string template)
    {
        var options = new InvalidationOptions();
        options.Rules["user.updated"] = new InvalidationRuleOptions();
        options.Rules["user.updated"].Keys.Add(template);

        var result = new InvalidationOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith("CacheCluster:Invalidation:Rules:user.updated:Keys:0", StringComparison.Ordinal));
    }

    [Fact]
    public void EmptyRule_IsAConfigurationError()
    {
        var options = new InvalidationOptions();
        options.Rules["noop"] = new InvalidationRuleOptions();

        Assert.Contains(new InvalidationOptionsValidator().Validate(null, options).Failures!, f => f.Contains("names no Keys, Patterns or Tags", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("user.updated", """{"user_id": ""}""")]
    [InlineData("product.updated", """{"product_id": ""}""")]
    [InlineData("order.completed", """{"order_id": 9, "user_id": ""}""")]
    public void EmptyFieldValue_RejectsTheEvent_InsteadOfWideningTheRule(string eventType, string data)
    {
        var error = Assert.Throws<InvalidDomainEventException>(() => SeedRules().Resolve(eventType, Data(data), out _));

        Assert.Contains("non-empty value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlaceholderFirstPattern_KeepsAtLeastTheRulesLiteralPrefix()
    {
        var options = new InvalidationOptions();
        options.Rules["tenant.reset"] = new InvalidationRuleOptions();
        options.Rules["tenant.reset"].Patterns.Add("{tenant}:*");
        var rules = new InvalidationRuleSet(Options.Create(options));

        var targets = rules.Resolve("tenant.reset", Data("""{"tenant": "?"}"""), out _);

        Assert.Equal(@"\?:*", targets.Patterns[0]);
        Assert.Equal("?:", CacheKeyPattern.Parse(targets.Patterns[0]).LiteralPrefix);
        Assert.Throws<InvalidDomainEventException>(() => rules.Resolve("tenant.reset", Data("""{"tenant": ""}"""), out _));
    }

    [Theory]
    [InlineData("*:{id}")]
    [InlineData("?*")]
    [InlineData("[u]ser:{id}:*")]
    public void RulePatternStartingWithAWildcard_StopsTheSilo_NamingTheKey(string template)
    {
        var options = new InvalidationOptions();
        options.Rules["user.updated"] = new InvalidationRuleOptions();
        options.Rules["user.updated"].Patterns.Add(template);

        var result = new InvalidationOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith("CacheCluster:Invalidation:Rules:user.updated:Patterns:0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void MaxPatternsPerRequest_OutOfRange_IsAConfigurationError(int value)
    {
        var options = new InvalidationOptions { MaxPatternsPerRequest = value };

        Assert.Contains(new InvalidationOptionsValidator().Validate(null, options).Failures!, f => f.StartsWith("CacheCluster:Invalidation:MaxPatternsPerRequest", StringComparison.Ordinal));
    }
}
