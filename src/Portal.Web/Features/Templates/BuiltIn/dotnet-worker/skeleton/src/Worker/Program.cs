using Worker;

var builder = Host.CreateApplicationBuilder(args);
builder.AddWorker();
builder.Build().Run();
