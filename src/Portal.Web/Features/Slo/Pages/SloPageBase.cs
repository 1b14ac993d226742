using Microsoft.AspNetCore.Components;

namespace Portal.Web.Features.Slo.Pages;

/// <summary>
/// An SLO page whose queries stop when the user leaves it: <see cref="Aborted"/> is cancelled on disposal (Blazor
/// ignores the cancelled task a left page's handler ends with).
/// </summary>
public abstract class SloPageBase : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();

    protected SloPageBase() => Aborted = _disposed.Token;

    /// <summary>Taken once: a continuation that runs after disposal still gets a (cancelled) token, not ObjectDisposedException.</summary>
    protected CancellationToken Aborted { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }
}
