using Microsoft.AspNetCore.Components;

namespace Portal.Web.Components;

/// <summary>
/// A page whose queries stop when it is left: <see cref="Cancellation"/> is cancelled when the component is disposed.
/// Blazor ignores the cancelled task that a query then ends with.
/// </summary>
public abstract class CancellableComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource cancellation = new();

    protected CancellableComponent() => Cancellation = cancellation.Token;

    /// <summary>Pass it to every query and command the page runs. Taken once, so a continuation after disposal gets a cancelled token, not ObjectDisposedException.</summary>
    protected CancellationToken Cancellation { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !cancellation.IsCancellationRequested)
        {
            cancellation.Cancel();
            cancellation.Dispose();
        }
    }
}
