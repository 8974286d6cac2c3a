// Each adapter test starts its own cluster and application hosts; running them one at a time keeps the 2-core CI
// machine's timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
