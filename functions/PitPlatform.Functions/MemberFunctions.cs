using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.People;

namespace PitPlatform.Functions;

/// <summary>/v1/members: the people of the caller's tenant (admin scope, checked in the handler).</summary>
public sealed class MemberFunctions(MembersHandler handler)
{
    [Function("ListMembers")]
    public Task List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/members")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.ListAsync(request, token), cancellationToken);

    [Function("AddMember")]
    public Task Add(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/members")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.AddAsync(request, token), cancellationToken);

    [Function("RemoveMember")]
    public Task Remove(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/members/{subject}")] HttpRequest request,
        string subject,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.RemoveAsync(request, subject, token), cancellationToken);
}
