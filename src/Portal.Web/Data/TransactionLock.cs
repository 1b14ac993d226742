using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Portal.Web.Data;

/// <summary>
/// A PostgreSQL advisory lock named by text, held until the current transaction ends: what the portal uses to let one
/// change at a time happen per person or per location, across requests and replicas, without a lock table.
/// </summary>
public static class TransactionLock
{
    /// <summary>
    /// Waits for the lock on <paramref name="key"/> (callers prefix it with what it guards, e.g. <c>incident-declare:</c>);
    /// must run inside a transaction, which releases it on commit or rollback.
    /// </summary>
    public static Task TakeTransactionLockAsync(this DatabaseFacade database, string key, CancellationToken cancellationToken) =>
        database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);
}
