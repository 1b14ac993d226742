// Each browser test collection runs a real portal process; on a 2-core machine they take turns.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
