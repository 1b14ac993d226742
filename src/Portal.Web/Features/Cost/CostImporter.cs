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
/// Imports a FOCUS file: streams it row by row into a staging table with binary COPY, then, in
/// the same transaction, replaces every (billing account, billing period) the file covers. Importing
/// the same export twice therefore leaves the totals unchanged. Rows that cannot be read are
/// rejected and reported by line number; the others are imported (the file fails whole only when
/// its header lacks mandatory columns or no row can be read).
/// </summary>
public static class CostImporter
{
    public const int MaxErrorsKept = 1_000;

    /// <summary>Largest upload accepted (compressed size); larger exports go through the watched folder.</summary>
    public const long MaxUploadBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Replacing and rolling up tens of millions of rows takes minutes, not the default 30 s.</summary>
    private const int LongCommandSeconds = 3_600;

    private const string Columns = "import_id, line, billing_account_id, billing_account_name, billing_currency, billing_period_start, billing_period_end, " +
        "charge_period_start, charge_period_end, billed_cost, effective_cost, list_cost, contracted_cost, charge_category, charge_description, " +
        "provider_name, publisher_name, invoice_issuer_name, service_name, service_category, region_id, region_name, resource_id, resource_name, " +
        "resource_type, sub_account_id, sub_account_name, tags, extra, host_provider_name, allocated_method_id, allocated_resource_id, allocated_tags, " +
        "team, component, environment";

    public static async Task<CatalogNames> CatalogNamesAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        // Orphans included: a charge tagged with a component that just vanished still belongs to its team.
        var teams = await CatalogReads.Entities(db).Where(i => i.Kind == CatalogKinds.Group).Select(i => i.Ref).ToListAsync(cancellationToken);
        var components = await CatalogReads.Entities(db).Where(i => i.Kind == CatalogKinds.Component).Select(i => new { i.Ref, i.Owner })
            .ToListAsync(cancellationToken);
        return new CatalogNames(teams.ToHashSet(StringComparer.Ordinal), components.ToDictionary(c => c.Ref, c => c.Owner, StringComparer.Ordinal));
    }

    public static async Task<CostImport> ImportAsync(PortalDbContext db, Stream content, string fileName, AuditActor actor,
        CostAttributionOptions attribution, TimeProvider time, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var record = new CostImport { FileName = Path.GetFileName(fileName), ImportedAt = time.GetUtcNow(), ImportedBy = actor.Name, Status = "failed" };
        var source = await GzipAwareAsync(content, cancellationToken);
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

        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        // The import row first (line items reference it); everything below is one transaction.
        record.Status = "importing";
        db.CostImports.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY cost_line_items ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            copy.Timeout = TimeSpan.FromSeconds(LongCommandSeconds);
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
                await WriteAsync(copy, record.Id, row, who, cancellationToken);
                record.Rows++;
                record.BilledCost += row.BilledCost;
                record.EffectiveCost += row.EffectiveCost;
                record.PeriodStart = record.PeriodStart is { } s && s <= row.ChargePeriodStart ? s : row.ChargePeriodStart;
                record.PeriodEnd = record.PeriodEnd is { } e && e >= row.ChargePeriodEnd ? e : row.ChargePeriodEnd;
                accounts.Add(row.BillingAccountId);
            }
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

        record.Status = "succeeded";
        record.BillingAccounts = [.. accounts.Order(StringComparer.Ordinal)];
        record.Message = Outcome(record);
        // Replace what earlier imports said about the same billing accounts and periods, then rebuild their daily rollup.
        await using (var periods = new NpgsqlCommand("""
            CREATE TEMP TABLE cost_import_periods ON COMMIT DROP AS
                SELECT DISTINCT billing_account_id, billing_period_start FROM cost_line_items WHERE import_id = @id
            """, connection))
        {
            periods.Parameters.AddWithValue("id", record.Id);
            periods.CommandTimeout = LongCommandSeconds;
            await periods.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var replace = new NpgsqlCommand("""
            DELETE FROM cost_line_items c USING cost_import_periods s
            WHERE c.billing_account_id = s.billing_account_id AND c.billing_period_start = s.billing_period_start AND c.import_id <> @id;
            """, connection))
        {
            replace.Parameters.AddWithValue("id", record.Id);
            replace.CommandTimeout = LongCommandSeconds;
            record.ReplacedRows = await replace.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var rollup = new NpgsqlCommand("""
            DELETE FROM cost_daily d USING cost_import_periods s
            WHERE d.billing_account_id = s.billing_account_id AND d.billing_period_start = s.billing_period_start;
            INSERT INTO cost_daily (day, billing_account_id, billing_period_start, billing_currency, team, component, environment,
                                    provider_name, service_category, service_name, region_id, sub_account_id, billed_cost, effective_cost, rows)
            SELECT date_trunc('day', charge_period_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', billing_account_id, billing_period_start, billing_currency,
                   team, component, environment, provider_name, service_category, service_name, region_id, sub_account_id,
                   sum(billed_cost), sum(effective_cost), count(*)
            FROM cost_line_items WHERE import_id = @id
            GROUP BY 1, billing_account_id, billing_period_start, billing_currency, team, component, environment,
                     provider_name, service_category, service_name, region_id, sub_account_id;
            """, connection))
        {
            rollup.Parameters.AddWithValue("id", record.Id);
            rollup.CommandTimeout = LongCommandSeconds;
            await rollup.ExecuteNonQueryAsync(cancellationToken);
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

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, Guid importId, FocusRow r, Attribution who, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(importId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(r.Line, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(r.BillingAccountId, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(r.BillingAccountName, ct);
        await copy.WriteAsync(r.BillingCurrency, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(r.BillingPeriodStart, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(r.BillingPeriodEnd, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(r.ChargePeriodStart, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(r.ChargePeriodEnd, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(r.BilledCost, NpgsqlDbType.Numeric, ct);
        await copy.WriteAsync(r.EffectiveCost, NpgsqlDbType.Numeric, ct);
        await copy.WriteAsync(r.ListCost, NpgsqlDbType.Numeric, ct);
        await copy.WriteNullableAsync(r.ContractedCost, ct);
        await copy.WriteAsync(r.ChargeCategory, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(r.ChargeDescription, ct);
        await copy.WriteAsync(r.ProviderName, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(r.PublisherName, ct);
        await copy.WriteNullableAsync(r.InvoiceIssuerName, ct);
        await copy.WriteAsync(r.ServiceName, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(r.ServiceCategory, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(r.RegionId, ct);
        await copy.WriteNullableAsync(r.RegionName, ct);
        await copy.WriteNullableAsync(r.ResourceId, ct);
        await copy.WriteNullableAsync(r.ResourceName, ct);
        await copy.WriteNullableAsync(r.ResourceType, ct);
        await copy.WriteNullableAsync(r.SubAccountId, ct);
        await copy.WriteNullableAsync(r.SubAccountName, ct);
        await copy.WriteAsync(r.TagsJson ?? JsonSerializer.Serialize(r.Tags), NpgsqlDbType.Jsonb, ct);
        await copy.WriteAsync(JsonSerializer.Serialize(r.Extra), NpgsqlDbType.Jsonb, ct);
        await copy.WriteNullableAsync(r.HostProviderName, ct);
        await copy.WriteNullableAsync(r.AllocatedMethodId, ct);
        await copy.WriteNullableAsync(r.AllocatedResourceId, ct);
        await copy.WriteAsync(r.AllocatedTags.Count == 0 ? "{}" : JsonSerializer.Serialize(r.AllocatedTags), NpgsqlDbType.Jsonb, ct);
        await copy.WriteNullableAsync(who.Team, ct);
        await copy.WriteNullableAsync(who.Component, ct);
        await copy.WriteNullableAsync(who.Environment, ct);
    }
}
