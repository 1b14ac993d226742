using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Portal.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Portal.Benchmarks.CatalogQueryBenchmarks).Assembly).Run(args);
