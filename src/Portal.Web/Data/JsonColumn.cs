using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Data;

/// <summary>Stores a small plain value (a dictionary, a list of records) as jsonb, compared by content.</summary>
public static class JsonColumn
{
    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> property) where T : class, new()
    {
        var comparer = new ValueComparer<T>(
            (a, b) => JsonSerializer.Serialize(a, SerializerOptions) == JsonSerializer.Serialize(b, SerializerOptions),
            v => JsonSerializer.Serialize(v, SerializerOptions).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, SerializerOptions), SerializerOptions)!);
        property.HasConversion(
            v => JsonSerializer.Serialize(v, SerializerOptions),
            s => JsonSerializer.Deserialize<T>(s, SerializerOptions) ?? new T(),
            comparer).HasColumnType("jsonb");
        return property;
    }

    /// <summary>An optional value (a record without a parameterless constructor) as nullable jsonb.</summary>
    public static PropertyBuilder<T?> HasOptionalJsonConversion<T>(this PropertyBuilder<T?> property) where T : class
    {
        var comparer = new ValueComparer<T?>(
            (a, b) => JsonSerializer.Serialize(a, SerializerOptions) == JsonSerializer.Serialize(b, SerializerOptions),
            v => JsonSerializer.Serialize(v, SerializerOptions).GetHashCode(StringComparison.Ordinal),
            v => v == null ? null : JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, SerializerOptions), SerializerOptions));
        property.HasConversion(
            v => JsonSerializer.Serialize(v, SerializerOptions),
            s => JsonSerializer.Deserialize<T>(s, SerializerOptions),
            comparer).HasColumnType("jsonb");
        return property;
    }

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);
}
