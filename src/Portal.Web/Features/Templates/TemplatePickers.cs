using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Checks picker values on the server, where the form's picker cannot be bypassed: the entity is in the catalog and
/// of a kind the field accepts, and an owner is one of the requester's teams (admins may choose any). The values
/// reach descriptors and repository names, so they are authority, not free text.
/// </summary>
public static class TemplatePickers
{
    /// <summary>Adds a problem per refused picker field to <paramref name="errors"/>; returns how many it refused.</summary>
    public static async Task<int> ValidateAsync(PortalDbContext db, AccessFacts who, IEnumerable<ParameterPage> pages, JsonObject values,
        Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var refused = 0;
        foreach (var field in pages.SelectMany(p => p.Fields).Where(f => f.IsPicker && !errors.ContainsKey(f.Name)))
        {
            var value = values[field.Name];
            if (TemplateParameters.IsEmpty(value))
            {
                continue;
            }
            var references = value switch
            {
                JsonArray items => items.Select(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null).ToList(),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
                _ => [null],
            };
            foreach (var reference in references)
            {
                var problem = reference is null
                    ? $"{field.Title} must be an entity reference such as group:default/payments."
                    : await ProblemAsync(db, who, field, reference, cancellationToken);
                if (problem is not null)
                {
                    errors[field.Name] = [problem];
                    refused++;
                    break;
                }
            }
        }
        return refused;
    }

    private static async Task<string?> ProblemAsync(PortalDbContext db, AccessFacts who, ParameterField field, string reference,
        CancellationToken cancellationToken)
    {
        var kinds = field.PickerKinds;
        EntityRef parsed;
        try
        {
            parsed = EntityRef.Parse(reference, defaultKind: kinds.Count == 1 ? kinds[0] : field.Field == "OwnerPicker" ? "group" : null);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return $"{field.Title}: '{reference}' is not an entity reference (kind:namespace/name, e.g. {(field.Field == "OwnerPicker" ? "group:default/payments" : "system:default/payments")}).";
        }
        var key = parsed.ToString();
        var entity = await CatalogReads.Entities(db).Where(i => i.Ref == key && !i.Orphaned).Select(i => new { i.Kind, i.Owner })
            .FirstOrDefaultAsync(cancellationToken);
        if (entity is null)
        {
            return $"{field.Title}: there is no {key} in the catalog.";
        }
        var kind = entity.Kind;
        if (field.Field == "OwnedEntityPicker" && !AccessRules.CanChangeOwnedBy(who, entity.Owner))
        {
            return $"{field.Title}: {key} is not owned by a team you are in.";
        }
        if (kinds.Count > 0 && !kinds.Contains(kind, StringComparer.OrdinalIgnoreCase))
        {
            return $"{field.Title} must be a {string.Join(" or ", kinds)}; {key} is a {kind}.";
        }
        if (field.Field == "OwnerPicker" && !AccessRules.CanChangeOwnedBy(who, key))
        {
            return who.Teams.Count == 0
                ? $"{field.Title}: you are in no team, so you cannot make {key} the owner; ask an admin."
                : $"{field.Title}: you can only choose a team you are in ({string.Join(", ", who.Teams.Order(StringComparer.Ordinal))}); you are not in {key}.";
        }
        return null;
    }
}
