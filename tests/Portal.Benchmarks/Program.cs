using BenchmarkDotNet.Running;
using Portal.Benchmarks;

// dotnet run -c Release --project tests/Portal.Benchmarks -- --filter '*'
// dotnet run -c Release --project tests/Portal.Benchmarks -- catalog-scale [--entities 100000] [--clients 8] [--queries 200]
// dotnet run -c Release --project tests/Portal.Benchmarks -- cost-scale [--rows 1000000] [--queries 50]
if (args.Length > 0 && args[0] == "cost-scale")
{
    return await CostScaleHarness.RunAsync(args[1..]);
}
// dotnet run -c Release --project tests/Portal.Benchmarks -- environments-scale [--requests 100]
if (args.Length > 0 && args[0] == "environments-scale")
{
    return await EnvironmentScaleHarness.RunAsync(args[1..]);
}
// dotnet run -c Release --project tests/Portal.Benchmarks -- slo-ingest [--streams 10000] [--batches 200] [--warmup 0] [--profile]
// dotnet run -c Release --project tests/Portal.Benchmarks -- slo-ingest --replicas 1,2 [--services 8] [--streams 2000] [--batches 1500] [--warmup 500]
if (args.Length > 0 && args[0] == "slo-ingest" && args.Contains("--replicas"))
{
    return await SloReplicaHarness.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "slo-ingest")
{
    return await SloIngestionHarness.RunAsync(args[1..]);
}
// dotnet run -c Release --project tests/Portal.Benchmarks -- slo-alerts [--slos 10000] [--cycles 5] [--sparse] [--no-routing]
if (args.Length > 0 && args[0] == "slo-alerts")
{
    return await SloAlertHarness.RunAsync(args[1..]);
}
// dotnet run -c Release --project tests/Portal.Benchmarks -- templates-scale [--runs 20]
if (args.Length > 0 && args[0] == "templates-scale")
{
    return await TemplateScaleHarness.RunAsync(args[1..]);
}
// dotnet run -c Release --project tests/Portal.Benchmarks -- startup [--runs 7] [--dll path/to/Portal.Web.dll]
if (args.Length > 0 && args[0] == "startup")
{
    return await StartupHarness.RunAsync(args[1..]);
}
// dotnet run -c Release --project tests/Portal.Benchmarks -- dora-scale [--components 1000] [--deployments 1000000] [--queries 30]
if (args.Length > 0 && args[0] == "dora-scale")
{
    return await DoraScaleHarness.RunAsync(args[1..]);
}
// dotnet run -c Release --project tests/Portal.Benchmarks -- scorecards-scale [--entities 100000] [--queries 40]
if (args.Length > 0 && args[0] == "scorecards-scale")
{
    return await ScorecardScaleHarness.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "catalog-scale")
{
    return await CatalogScaleHarness.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(CatalogQueryBenchmarks).Assembly).Run(args);
return 0;
