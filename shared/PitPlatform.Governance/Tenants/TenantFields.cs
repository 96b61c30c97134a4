using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PitPlatform.Access.Http;
using PitPlatform.Access.Tenants;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Governance.Tenants;

/// <summary>
/// The members of a tenant body (<c>id</c>, <c>display_name</c>, <c>plan</c>), checked one by one: the first problem
/// is the 400 to send, with the JSON pointer of the member at fault. Unknown members are refused, not ignored.
/// </summary>
public sealed record TenantFields(string? Id, string? DisplayName, string? Plan)
{
    public const int MaxDisplayName = 200;

    public static (TenantFields? Fields, IResult? Refusal) Read(JsonElement body, bool idAllowed)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return (
                null,
                ApiErrors.BadRequest("ERR_INVALID_BODY", "the body must be a JSON object", new { pointer = "" })
            );
        string? id = null,
            name = null,
            plan = null;
        foreach (var member in body.EnumerateObject())
        {
            var text = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
            switch (member.Name)
            {
                case "id" when idAllowed:
                    if (KeySegment.Check("id", text) is { } problem)
                        return Invalid(problem, "/id");
                    if (text == OperatorKeys.Tenant)
                        return Invalid($"'{OperatorKeys.Tenant}' is reserved for operator keys", "/id");
                    id = text;
                    break;
                case "display_name":
                    if (text is not { Length: > 0 and <= MaxDisplayName } || text.Any(char.IsControl))
                        return Invalid(
                            $"display_name must be 1 to {MaxDisplayName} characters without control characters",
                            "/display_name"
                        );
                    name = text;
                    break;
                case "plan":
                    if (TenantPlans.Find(text) is null)
                        return Invalid(
                            $"plan must be one of {string.Join(", ", TenantPlans.All.Select(p => p.Name))}",
                            "/plan"
                        );
                    plan = text;
                    break;
                default:
                    return Invalid($"'{member.Name}' is not a field here", "/" + member.Name);
            }
        }
        return (new TenantFields(id, name, plan), null);
    }

    private static (TenantFields?, IResult?) Invalid(string message, string pointer) =>
        (null, ApiErrors.BadRequest("ERR_VALIDATION", message, new { pointer }));
}
