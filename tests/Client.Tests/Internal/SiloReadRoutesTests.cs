using System.Collections.Immutable;
using System.Net;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Orleans.Metadata;

namespace CacheCluster.Tests.Internal;

/// <summary>
/// Where coalesced reads go: a key is sent to the silo that said it holds it, probes the silos one by one until one
/// does, and loses its hint when that silo leaves the manifest or fails. Silos here are addresses only (no calls).
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class SiloReadRoutesTests(MemoryClusterFixture fixture)
{
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(0, 3).Select(i => SiloAddress.New(IPAddress.Loopback, 41000 + i, 7))];

    private readonly IGrainFactory _grains = fixture.Cluster.Client;

    /// <summary>A manifest of <paramref name="silos"/>, each with the read grain (as a silo of this build has it).</summary>
    internal static ClusterManifest Manifest(IGrainFactory grains, long version, params SiloAddress[] silos)
    {
        var readGrain = grains.GetGrain<ISiloReadGrain>(0).GetGrainId().Type;
        var manifest = new GrainManifest(
            ImmutableDictionary<GrainType, GrainProperties>.Empty.Add(readGrain, new GrainProperties(ImmutableDictionary.Create<string, string>(StringComparer.Ordinal))),
            ImmutableDictionary<GrainInterfaceType, GrainInterfaceProperties>.Empty);
        return new ClusterManifest(new MajorMinorVersion(version, 0), silos.ToImmutableDictionary(s => s, _ => manifest));
    }

    private ClusterManifest Manifest(long version, params SiloAddress[] silos) => Manifest(_grains, version, silos);

    [Fact]
    public void SiloReadRoutes_ManifestEntryWithoutTheReadGrain_IsNoRoute()
    {
        var empty = new GrainManifest(ImmutableDictionary<GrainType, GrainProperties>.Empty, ImmutableDictionary<GrainInterfaceType, GrainInterfaceProperties>.Empty);
        var withClient = Manifest(1, Silos[0]);
        withClient = new ClusterManifest(withClient.Version, withClient.Silos.Add(Silos[1], empty));
        var routes = new SiloReadRoutes(() => withClient, _grains);

        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal(Silos[0], routes.SiloOf("k" + i)));
        Assert.Null(new SiloReadRoutes(() => new ClusterManifest(withClient.Version, withClient.Silos.Remove(Silos[0])), _grains).Plan(["a"]));
    }

    [Fact]
    public void SiloReadRoutes_SiloAnswersHere_KeyIsSentThereAfter()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        foreach (var silo in Silos)
        {
            routes.Learn(["k"], silo, [true]);
            Assert.Equal(silo, routes.SiloOf("k"));
        }
    }

    [Fact]
    public void SiloReadRoutes_SiloAnswersElsewhere_ThatSiloIsTheHintAtOnce()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        var asked = routes.SiloOf("k")!;
        var holder = Silos.First(s => !s.Equals(asked));

        routes.Learn(["k", "other"], asked, [false, true], [holder, null]);

        Assert.Equal(holder, routes.SiloOf("k"));
        Assert.Equal(asked, routes.SiloOf("other"));
    }

    [Fact]
    public void SiloReadRoutes_ElsewhereNotInTheManifest_IsIgnored_AsANotHere()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        var probed = new SiloReadRoutes(() => manifest, _grains);
        var asked = routes.SiloOf("k")!;
        var unknown = SiloAddress.New(IPAddress.Loopback, 41999, 7);

        routes.Learn(["k"], asked, [false], [unknown]);
        probed.Learn(["k"], asked, [false]);

        Assert.NotEqual(unknown, routes.SiloOf("k"));
        Assert.NotEqual(asked, routes.SiloOf("k"));
        Assert.Equal(probed.SiloOf("k"), routes.SiloOf("k"));
    }

    [Fact]
    public void SiloReadRoutes_NotHere_EachNextReadAsksAnotherSilo_UntilEverySiloWasAsked()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        var asked = new List<SiloAddress>();
        for (var i = 0; i < Silos.Length; i++)
        {
            var silo = routes.SiloOf("key-" + i)!;
            asked.Clear();
            for (var probe = 0; probe < Silos.Length; probe++)
            {
                silo = routes.SiloOf("key-" + i)!;
                asked.Add(silo);
                routes.Learn(["key-" + i], silo, [false]);
            }

            Assert.Equal(Silos.OrderBy(s => s.ToString()), asked.OrderBy(s => s.ToString()));
        }
    }

    [Fact]
    public void SiloReadRoutes_SiloLeavesTheManifest_ItsHintsAreDropped_OthersKept()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        routes.Learn(["a", "b", "c"], Silos[1], [true, true, false]);
        routes.Learn(["d"], Silos[2], [true]);
        Assert.Equal(Silos[1], routes.SiloOf("a"));

        manifest = Manifest(2, Silos[0], Silos[2]);

        Assert.NotEqual(Silos[1], routes.SiloOf("a"));
        Assert.NotEqual(Silos[1], routes.SiloOf("b"));
        Assert.Equal(Silos[2], routes.SiloOf("d"));
        Assert.Equal(2, routes.Count); // "c" (a probe count, no silo) and "d"
    }

    [Fact]
    public void SiloReadRoutes_Forget_DropsOnlyThatSilosHints()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        routes.Learn(["a", "b"], Silos[0], [true, false]);
        routes.Learn(["c"], Silos[1], [true]);

        routes.Landed(3, Silos[0]);
        routes.Landed(5, Silos[1]);

        routes.Forget(Silos[0]);

        Assert.Equal(2, routes.Count);
        Assert.Equal(Silos[1], routes.SiloOf("c"));
        Assert.Equal((null, Silos[1]), (routes.LandsOn(3), routes.LandsOn(5)));
    }

    [Fact]
    public void SiloReadRoutes_WorkerKeys_LearntPerSilo_RelearntWhenAnsweredElsewhere_UnlearntTakenInTurn()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        var first = routes.WorkerFor(Silos[0]);
        var second = routes.WorkerFor(Silos[0]);
        Assert.NotEqual(first, second);

        routes.Landed(second, Silos[0]);
        routes.Landed(7, Silos[1]);
        Assert.Equal((second, 7), (routes.WorkerFor(Silos[0]), routes.WorkerFor(Silos[1])));
        routes.Learn(["a"], Silos[0], [true]);
        Assert.Equal(second, routes.Plan(["a"])!.Single().Worker);

        // Its gateway changed: answered by another silo, the key is re-learnt there.
        routes.Landed(second, Silos[2]);
        Assert.Equal(Silos[2], routes.LandsOn(second));
        Assert.Equal(second, routes.WorkerFor(Silos[2]));
        Assert.NotEqual(second, routes.WorkerFor(Silos[0]));
        Assert.Null(routes.LandsOn(routes.WorkerFor(Silos[0])));

        // A silo that leaves the manifest loses its worker keys too.
        manifest = Manifest(2, Silos[0], Silos[2]);
        Assert.NotNull(routes.Plan(["a"]));
        Assert.Null(routes.LandsOn(7));
    }

    [Fact]
    public void SiloReadRoutes_Plan_GroupsKeysBySilo_KeepingTheirPositions()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        routes.Learn(["a", "c"], Silos[2], [true, true]);
        routes.Learn(["b"], Silos[0], [true]);

        var plan = routes.Plan(["a", "b", "c"])!;

        Assert.Equal(2, plan.Count);
        Assert.Equal(Silos[2], plan[0].Silo);
        Assert.Equal([0, 2], plan[0].Positions);
        Assert.Equal(Silos[0], plan[1].Silo);
        Assert.Equal([1], plan[1].Positions);
    }

    [Fact]
    public void SiloReadRoutes_NoSiloKnown_NoPlan()
    {
        var routes = new SiloReadRoutes(() => null, _grains);
        Assert.Null(routes.Plan(["a"]));
        Assert.Null(new SiloReadRoutes(() => Manifest(1), _grains).Plan(["a"]));
    }

    [Fact]
    public void SiloReadRoutes_MapIsBounded_StartsOverPastMaxHints()
    {
        var manifest = Manifest(1, Silos);
        var routes = new SiloReadRoutes(() => manifest, _grains);
        var keys = Enumerable.Range(0, SiloReadRoutes.MaxHints).Select(i => "k" + i).ToArray();
        routes.Learn(keys, Silos[0], new bool[keys.Length]);
        Assert.Equal(SiloReadRoutes.MaxHints, routes.Count);

        routes.Learn(["one more"], Silos[0], [true]);

        Assert.Equal(0, routes.Count);
    }
}
