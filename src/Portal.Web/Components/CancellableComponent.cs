using Microsoft.AspNetCore.Components;

namespace Portal.Web.Components;

/// <summary>
/// A page whose queries stop when it is left: <see cref="Cancellation"/> is cancelled when the component is disposed.
/// Blazor ignores the cancelled task that a query then ends with.
/// </summary>
public abstract class CancellableComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource cancellation = new();

    /// <summary>Pass it to every query and command the page runs.</summary>
    protected CancellationToken Cancellation => cancellation.Token;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            cancellation.Cancel();
            cancellation.Dispose();
        }
    }
}
