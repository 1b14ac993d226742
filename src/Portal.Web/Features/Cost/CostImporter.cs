using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

/// <summary>
/// Imports a FOCUS file: streams it row by row into the line items with binary COPY, summing its daily rollup on the way,
/// then, in the same transaction, replaces every (billing account, billing period) the file covers. Importing
/// the same export twice therefore leaves the totals unchanged. Rows that cannot be read are
/// rejected and reported by line number; the others are imported (the file fails whole only when
/// its header lacks mandatory columns or no row can be read).
/// </summary>
public static class CostImporter
{
    public const int MaxErrorsKept = 1_000;

    /// <summary>Largest upload accepted (compressed size); larger exports go through the watched folder.</summary>
    public const long MaxUploadBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// An import at least this large (estimated from the file's size) into a table with fewer rows than it brings builds the
    /// line items' primary key and indexes once at the end instead of updating them row by row (see <see cref="ImportAsync"/>).
    /// </summary>
    public const long BulkMinimumRows = 100_000;

    /// <summary>Bytes per CSV row assumed when estimating a file's rows from its size (generous, so the estimate errs low).</summary>
    private const long BytesPerRowEstimate = 400;

    /// <summary>Replacing and rolling up tens of millions of rows takes minutes, not the default 30 s.</summary>
    private const int LongCommandSeconds = 3_600;

    private const string Columns = "import_id, line, billing_account_id, billing_account_name, billing_currency, billing_period_start, billing_period_end, " +
        "charge_period_start, charge_period_end, billed_cost, effective_cost, list_cost, contracted_cost, charge_category, charge_description, " +
        "provider_name, publisher_name, invoice_issuer_name, service_name, service_category, region_id, region_name, resource_id, resource_name, " +
        "resource_type, sub_account_id, sub_account_name, tags, host_provider_name, allocated_method_id, allocated_resource_id, " +
        "team, component, environment";

    public static async Task<CatalogNames> CatalogNamesAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        // Orphans included: a charge tagged with a component that just vanished still belongs to its team.
        var teams = await CatalogReads.Entities(db).Where(i => i.Kind == CatalogKinds.Group).Select(i => i.Ref).ToListAsync(cancellationToken);
        var components = await CatalogReads.Entities(db).Where(i => i.Kind == CatalogKinds.Component).Select(i => new { i.Ref, i.Owner })
            .ToListAsync(cancellationToken);
        return new CatalogNames(teams.ToHashSet(StringComparer.Ordinal), components.ToDictionary(c => c.Ref, c => c.Owner, StringComparer.Ordinal));
    }

    /// <remarks>
    /// A large import into a table with fewer line items than the file brings (the first load of a history, a fresh
    /// install) drops the primary key and the other indexes inside its transaction and builds them again after the COPY: one
    /// sort per index instead of a descent per row and index, which cost more than the COPY itself. Until it commits, other
    /// readers of the line items wait (the dashboard's totals come from the daily rollup and do not); a failed import
    /// rolls the drop back. <paramref name="bulkMinimumRows"/> is only lowered by tests.
    /// </remarks>
    public static async Task<CostImport> ImportAsync(PortalDbContext db, Stream content, string fileName, AuditActor actor,
        CostAttributionOptions attribution, TimeProvider time, CancellationToken cancellationToken, long bulkMinimumRows = BulkMinimumRows)
    {
        var clock = Stopwatch.StartNew();
        var record = new CostImport { FileName = Path.GetFileName(fileName), ImportedAt = time.GetUtcNow(), ImportedBy = actor.Name, Status = "failed" };
        var source = await GzipAwareAsync(content, cancellationToken);
        // A compressed file's rows are not estimated: it always takes the row-by-row path.
        var estimatedRows = source.CanSeek ? source.Length / BytesPerRowEstimate : 0;
        using var text = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var opened = FocusCsvReader.OpenDetailed(text);
        record.FocusVersion = opened.Version;
        if (opened.Native is { } native)
        {
            record.Message = $"This is {native.Name}, not a FOCUS export, so nothing was imported. {native.HowToGetFocus}";
            return await SaveFailedAsync(db, record, actor, clock, cancellationToken);
        }
        if (opened.Reader is not { } reader)
        {
            record.Message = $"The file is not a FOCUS {opened.Version} export: the header lacks the mandatory column(s) {string.Join(", ", opened.Missing)}. Nothing was imported.";
            return await SaveFailedAsync(db, record, actor, clock, cancellationToken);
        }
        record.ExtraColumns = [.. reader.ExtraColumns];
        var warnings = new CostImportWarnings();
        var catalog = await CatalogNamesAsync(db, cancellationToken);
        var rules = await CostRules.LoadAsync(db, attribution, cancellationToken);
        var accounts = new HashSet<string>(StringComparer.Ordinal);

        var periods = new HashSet<(string Account, DateTime Period)>();
        var totals = new CostDailyTotals();

        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        // The import row first; everything below is one transaction, so every line item's import exists when it commits
        // (checked once here rather than per row by a foreign key: the rows are written by this code only).
        record.Status = "importing";
        db.CostImports.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        var rebuild = estimatedRows >= bulkMinimumRows && await FewerRowsThanAsync(connection, estimatedRows, cancellationToken)
            ? BulkIndexes(db) : [];
        if (rebuild.Count > 0)
        {
            // Held until commit (dropping the indexes needs it anyway): no other import adds rows from here on, so the floor
            // below is exact and an empty table stays empty but for this import.
            await using var lockTable = new NpgsqlCommand("LOCK TABLE cost_line_items IN ACCESS EXCLUSIVE MODE", connection) { CommandTimeout = LongCommandSeconds };
            await lockTable.ExecuteNonQueryAsync(cancellationToken);
        }
        // Every row this import adds gets a larger id than any row there now: the SQL rollup reads them by that range.
        long floor;
        await using (var max = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM cost_line_items", connection))
        {
            floor = (long)(await max.ExecuteScalarAsync(cancellationToken))!;
        }
        foreach (var index in rebuild)
        {
            await using var drop = new NpgsqlCommand(index.Drop, connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        // Columns no row of the file can fill are left to their defaults ('{}' for the jsonb maps): no per-row JSON to send and parse.
        var extra = reader.ExtraColumns.Count > 0;
        var allocated = reader.HasColumn("AllocatedTags");
        var columns = Columns + (extra ? ", extra" : "") + (allocated ? ", allocated_tags" : "");
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY cost_line_items ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            copy.Timeout = TimeSpan.FromSeconds(LongCommandSeconds);
            // Reading, attributing and writing are synchronous and CPU-bound (the reader is buffered, COPY writes buffer and
            // flush rarely): a dedicated thread runs them without an async state machine per field or holding a pool thread.
            await Task.Factory.StartNew(() =>
            {
                while (reader.Read() is { } next)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (next.Error is { } error)
                    {
                        record.RejectedRows++;
                        record.RejectedBilledCost += error.BilledCost ?? 0;
                        record.RejectedEffectiveCost += error.EffectiveCost ?? 0;
                        record.RejectedRowsWithoutCost += error.BilledCost is null ? 1 : 0;
                        if (record.Errors.Count < MaxErrorsKept)
                        {
                            record.Errors.Add(error);
                        }
                        continue;
                    }
                    var row = next.Row!;
                    foreach (var warning in row.Warnings)
                    {
                        warnings.Add(row.Line, warning);
                    }
                    var who = CostRules.Apply(new ChargeFacts(row.AttributionTags, row.AttributionResourceId, row.SubAccountId, row.ServiceName), rules, catalog);
                    Write(copy, record.Id, row, who, extra, allocated);
                    totals.Add(row, who);
                    record.Rows++;
                    record.BilledCost += row.BilledCost;
                    record.EffectiveCost += row.EffectiveCost;
                    record.PeriodStart = record.PeriodStart is { } s && s <= row.ChargePeriodStart ? s : row.ChargePeriodStart;
                    record.PeriodEnd = record.PeriodEnd is { } e && e >= row.ChargePeriodEnd ? e : row.ChargePeriodEnd;
                    accounts.Add(row.BillingAccountId);
                    periods.Add((row.BillingAccountId, row.BillingPeriodStart));
                }
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (record.Rows > 0)
            {
                await copy.CompleteAsync(cancellationToken);
            }
        }
        record.Warnings = warnings.ToList();
        if (record.Rows == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            record.Status = "failed";
            record.Message = record.RejectedRows == 0 ? "The file has a header but no rows." : $"None of the {record.RejectedRows} rows could be read; nothing was imported.";
            return await SaveFailedAsync(db, record, actor, clock, cancellationToken);
        }

        if (rebuild.Count > 0)
        {
            // Sorting for the builds gets more memory than the default 64 MB (this transaction only).
            await using var build = new NpgsqlCommand(
                "SET LOCAL maintenance_work_mem = '256MB'; " + string.Concat(rebuild.Select(i => i.Create + "; ")), connection) { CommandTimeout = LongCommandSeconds };
            await build.ExecuteNonQueryAsync(cancellationToken);
        }
        record.Status = "succeeded";
        record.BillingAccounts = [.. accounts.Order(StringComparer.Ordinal)];
        record.Message = Outcome(record);
        // Replace what earlier imports said about the same billing accounts and periods (the file's, collected while reading),
        // then rebuild their daily rollup from this import's rows. A bulk import into an empty table (held exclusively since
        // before the floor was read) has nothing to replace.
        var periodAccounts = periods.Select(p => p.Account).ToArray();
        var periodStarts = periods.Select(p => p.Period).ToArray();
        if (rebuild.Count == 0 || floor > 0)
        {
            await using var replace = new NpgsqlCommand("""
                DELETE FROM cost_line_items c USING unnest(@accounts, @periods) AS s(billing_account_id, billing_period_start)
                WHERE c.billing_account_id = s.billing_account_id AND c.billing_period_start = s.billing_period_start AND c.import_id <> @id;
                """, connection);
            replace.Parameters.AddWithValue("id", record.Id);
            replace.Parameters.AddWithValue("accounts", periodAccounts);
            replace.Parameters.AddWithValue("periods", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, periodStarts);
            replace.CommandTimeout = LongCommandSeconds;
            record.ReplacedRows = await replace.ExecuteNonQueryAsync(cancellationToken);
        }
        // After the replacement only this import's rows are left in its periods, so its own totals are their rollup: summed
        // while reading (no second scan of the rows), else (too many groups, or sums decimal cannot hold exactly) the same
        // GROUP BY in SQL, with enough work memory not to spill (this transaction only).
        await using (var rollup = new NpgsqlCommand("""
            DELETE FROM cost_daily d USING unnest(@accounts, @periods) AS s(billing_account_id, billing_period_start)
            WHERE d.billing_account_id = s.billing_account_id AND d.billing_period_start = s.billing_period_start;
            """ + (totals.GaveUp ? "SET LOCAL work_mem = '128MB'; " + CostDailyTotals.RollupSelect("WHERE id > @floor AND import_id = @id") : ""), connection))
        {
            rollup.Parameters.AddWithValue("id", record.Id);
            rollup.Parameters.AddWithValue("floor", floor);
            rollup.Parameters.AddWithValue("accounts", periodAccounts);
            rollup.Parameters.AddWithValue("periods", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, periodStarts);
            rollup.CommandTimeout = LongCommandSeconds;
            await rollup.ExecuteNonQueryAsync(cancellationToken);
        }
        if (!totals.GaveUp)
        {
            await totals.WriteAsync(connection, cancellationToken);
        }
        record.DurationSeconds = clock.Elapsed.TotalSeconds;
        AuditLog.Record(db, actor, "cost.import", $"cost-import:{record.Id}", after: new
        {
            record.FileName, record.Rows, record.RejectedRows, record.ReplacedRows, record.BilledCost, record.EffectiveCost, record.BillingAccounts,
            record.FocusVersion, record.RejectedBilledCost, Warnings = record.Warnings.Sum(w => w.Count),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return record;
    }

    /// <summary>Whether the line items number fewer than <paramref name="rows"/> (reads at most that many).</summary>
    private static async Task<bool> FewerRowsThanAsync(NpgsqlConnection connection, long rows, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM (SELECT 1 FROM cost_line_items LIMIT @rows) AS existing", connection) { CommandTimeout = LongCommandSeconds };
        count.Parameters.AddWithValue("rows", rows);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))! < rows;
    }

    /// <summary>
    /// The line items' primary key and other indexes as the model (and so the migrations) defines them: how to drop each and
    /// build it again. The primary key is only ever filled by the identity column, so it cannot fail to build again.
    /// </summary>
    private static List<(string Drop, string Create)> BulkIndexes(PortalDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(CostLineItem))!;
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Columns(IEnumerable<Microsoft.EntityFrameworkCore.Metadata.IProperty> properties) =>
            string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""));
        var key = entity.FindPrimaryKey()!;
        var keyName = key.GetName(table)!;
        var result = new List<(string Drop, string Create)>
        {
            ($"ALTER TABLE cost_line_items DROP CONSTRAINT \"{keyName}\"", $"ALTER TABLE cost_line_items ADD CONSTRAINT \"{keyName}\" PRIMARY KEY ({Columns(key.Properties)})"),
        };
        result.AddRange(entity.GetIndexes().Select(i =>
        {
            var name = i.GetDatabaseName(table)!;
            return ($"DROP INDEX \"{name}\"", $"CREATE {(i.IsUnique ? "UNIQUE " : "")}INDEX \"{name}\" ON cost_line_items ({Columns(i.Properties)})");
        }));
        return result;
    }

    /// <summary>One sentence on what was not imported as it was: rejected rows (with their cost) and warnings.</summary>
    public static string? Outcome(CostImport record)
    {
        var parts = new List<string>();
        if (record.RejectedRows > 0)
        {
            var cost = record.RejectedRowsWithoutCost == record.RejectedRows ? "their cost could not be read"
                : $"billed cost {record.RejectedBilledCost.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} {(record.RejectedRowsWithoutCost > 0 ? $"plus {record.RejectedRowsWithoutCost} row(s) whose cost could not be read" : "")}".TrimEnd();
            parts.Add($"{record.RejectedRows} row(s) could not be read and were rejected ({cost}); see the errors.");
        }
        if (record.Warnings.Count > 0)
        {
            parts.Add($"{record.Warnings.Sum(w => w.Count)} warning(s) ({string.Join(", ", record.Warnings.Select(w => $"{w.Kind} ×{w.Count}"))}); those rows were imported with all their cost.");
        }
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private static async Task<CostImport> SaveFailedAsync(PortalDbContext db, CostImport record, AuditActor actor, Stopwatch clock, CancellationToken cancellationToken)
    {
        record.DurationSeconds = clock.Elapsed.TotalSeconds;
        db.ChangeTracker.Clear();
        db.CostImports.Add(record);
        AuditLog.Record(db, actor, "cost.import", $"cost-import:{record.Id}", "failed", after: new { record.FileName, record.Message });
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    /// <summary>
    /// gzip is recognised by its magic bytes, whatever the file is called. A stream that cannot seek
    /// (a browser upload, a generated stream) is first spooled to a temporary file: the reader is
    /// synchronous and buffered, and memory stays flat whatever the size. Temporary files live in the portal's own
    /// temp folder, so what a crash leaves is removed at the next start.
    /// </summary>
    private static async Task<Stream> GzipAwareAsync(Stream content, CancellationToken cancellationToken)
    {
        var seekable = content;
        if (!seekable.CanSeek)
        {
            var spooled = new FileStream(Infrastructure.Files.PortalTempFolder.NewFilePath(), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await content.CopyToAsync(spooled, cancellationToken);
            spooled.Position = 0;
            seekable = spooled;
        }
        var magic = new byte[4];
        var read = await seekable.ReadAsync(magic, cancellationToken);
        seekable.Position -= read;
        if (FocusParquet.IsParquet(magic.AsSpan(0, read)))
        {
            // Parquet becomes CSV in a temporary file, one row group at a time, and takes the CSV path from here.
            var csv = new FileStream(Infrastructure.Files.PortalTempFolder.NewFilePath(), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await using (var writer = new StreamWriter(csv, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                await FocusParquet.ToCsvAsync(seekable, writer, cancellationToken);
            }
            await seekable.DisposeAsync();
            csv.Position = 0;
            return csv;
        }
        return read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(seekable, CompressionMode.Decompress) : seekable;
    }

    private static void Write(NpgsqlBinaryImporter copy, Guid importId, FocusRow r, Attribution who, bool extra, bool allocated)
    {
        copy.StartRow();
        copy.Write(importId, NpgsqlDbType.Uuid);
        copy.Write(r.Line, NpgsqlDbType.Bigint);
        copy.Write(r.BillingAccountId, NpgsqlDbType.Text);
        Text(copy, r.BillingAccountName);
        copy.Write(r.BillingCurrency, NpgsqlDbType.Text);
        copy.Write(r.BillingPeriodStart, NpgsqlDbType.TimestampTz);
        copy.Write(r.BillingPeriodEnd, NpgsqlDbType.TimestampTz);
        copy.Write(r.ChargePeriodStart, NpgsqlDbType.TimestampTz);
        copy.Write(r.ChargePeriodEnd, NpgsqlDbType.TimestampTz);
        copy.Write(r.BilledCost, NpgsqlDbType.Numeric);
        copy.Write(r.EffectiveCost, NpgsqlDbType.Numeric);
        copy.Write(r.ListCost, NpgsqlDbType.Numeric);
        if (r.ContractedCost is { } contracted)
        {
            copy.Write(contracted, NpgsqlDbType.Numeric);
        }
        else
        {
            copy.WriteNull();
        }
        copy.Write(r.ChargeCategory, NpgsqlDbType.Text);
        Text(copy, r.ChargeDescription);
        copy.Write(r.ProviderName, NpgsqlDbType.Text);
        Text(copy, r.PublisherName);
        Text(copy, r.InvoiceIssuerName);
        copy.Write(r.ServiceName, NpgsqlDbType.Text);
        copy.Write(r.ServiceCategory, NpgsqlDbType.Text);
        Text(copy, r.RegionId);
        Text(copy, r.RegionName);
        Text(copy, r.ResourceId);
        Text(copy, r.ResourceName);
        Text(copy, r.ResourceType);
        Text(copy, r.SubAccountId);
        Text(copy, r.SubAccountName);
        copy.Write(r.TagsJson ?? (r.Tags.Count == 0 ? "{}" : JsonSerializer.Serialize(r.Tags)), NpgsqlDbType.Jsonb);
        Text(copy, r.HostProviderName);
        Text(copy, r.AllocatedMethodId);
        Text(copy, r.AllocatedResourceId);
        Text(copy, who.Team);
        Text(copy, who.Component);
        Text(copy, who.Environment);
        if (extra)
        {
            copy.Write(r.ExtraJson ?? JsonSerializer.Serialize(r.Extra), NpgsqlDbType.Jsonb);
        }
        if (allocated)
        {
            copy.Write(r.AllocatedTags.Count == 0 ? "{}" : JsonSerializer.Serialize(r.AllocatedTags), NpgsqlDbType.Jsonb);
        }
    }

    private static void Text(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }
}
