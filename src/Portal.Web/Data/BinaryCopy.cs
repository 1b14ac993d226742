using Npgsql;
using NpgsqlTypes;

namespace Portal.Web.Data;

/// <summary>Nullable values for PostgreSQL binary COPY, which needs an explicit null per field.</summary>
public static class BinaryCopy
{
    public static Task WriteNullableAsync(this NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    public static Task WriteNullableAsync(this NpgsqlBinaryImporter copy, decimal? value, CancellationToken cancellationToken) =>
        value is { } number ? copy.WriteAsync(number, NpgsqlDbType.Numeric, cancellationToken) : copy.WriteNullAsync(cancellationToken);
}
