using Microsoft.Extensions.Options;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Rpc;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>Bounds the exports processed at once; a request waits a little for a slot, then is told to retry.</summary>
public sealed class ExportGate(IOptions<SloOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentExports);

    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken) =>
        await _slots.WaitAsync(TimeSpan.FromSeconds(options.Value.QueueSeconds), cancellationToken) ? new Slot(_slots) : null;

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
