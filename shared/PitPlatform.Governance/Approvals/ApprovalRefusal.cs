using Microsoft.AspNetCore.Http;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Governance.Approvals;

/// <summary>
/// Why a decision was refused: the HTTP status, the stable error code and the reason recorded in the audit entry.
/// </summary>
public sealed record ApprovalRefusal(int Status, string Code, string Message, string Reason, string? State = null)
{
    public static ApprovalRefusal MissingScope() =>
        new(403, "ERR_FORBIDDEN", "the API key lacks the 'approver' scope", "missing_scope");

    /// <summary>Forged ids, other tenants' requests and another kind's requests look the same.</summary>
    public static ApprovalRefusal NotFound() =>
        new(404, "ERR_NOT_FOUND", "no request of this tenant has that id", "unknown_request");

    public static ApprovalRefusal SelfApproval() =>
        new(
            403,
            "ERR_SELF_APPROVAL",
            "a request must be decided by a principal other than the one who made it",
            "self_approval"
        );

    public static ApprovalRefusal Expired() =>
        new(
            409,
            "ERR_REQUEST_EXPIRED",
            "the request expired unanswered; make a new one",
            "expired",
            GovernanceRequestState.Expired
        );

    public static ApprovalRefusal NotPending(string state) =>
        new(409, "ERR_REQUEST_NOT_PENDING", $"the request is already {state}", "not_pending", state);

    /// <summary>
    /// The API's error response for this refusal, the same for every kind's approve and reject routes.
    /// </summary>
    public IResult ToResult()
    {
        object details = Code switch
        {
            "ERR_FORBIDDEN" => new { scope = ApiKeyScope.Approver },
            _ when State is not null => new { state = State },
            _ => new Dictionary<string, object>(),
        };
        return ApiErrors.Error(Status, Code, Message, details);
    }
}
