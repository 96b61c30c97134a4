using PitPlatform.Access.Admin;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;
using PitPlatform.Governance.Deletion;
using PitPlatform.Governance.Tenants;
using PitPlatform.Hosting;
using PitPlatform.Ingestion;
using PitPlatform.Ingestion.Redaction;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;

namespace PitPlatform.LocalHost;

/// <summary>The HTTP routes of the local host: the same handlers the Functions app binds, plus health.</summary>
public static class LocalRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/events", (HttpContext context, IngestEventsHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/series/{series}/nav", (HttpContext context, string series, NavQueryHandler handler) =>
            handler.HandleAsync(context.Request, series, context.RequestAborted)
        );
        app.MapGet("/v1/series/{series}/nav.svg", (HttpContext context, string series, NavChartHandler handler) =>
            handler.HandleAsync(context.Request, series, context.RequestAborted)
        );
        app.MapGet("/v1/usage", (HttpContext context, UsageQueryHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted)
        );

        app.MapGet("/v1/events/recent", (HttpContext context, Processing.RecentEvents.RecentEventsHandler handler) =>
            handler.ListAsync(context.Request, context.RequestAborted)
        );
        app.MapGet(
            "/v1/events/recent/{event_id}",
            (HttpContext context, string event_id, Processing.RecentEvents.RecentEventsHandler handler) =>
                handler.GetAsync(context.Request, event_id, context.RequestAborted)
        );
        app.MapGet("/v1/stats/overview", (HttpContext context, Processing.RecentEvents.StatsOverviewHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted)
        );

        app.MapGet("/v1/billing/usage", (HttpContext context, Billing.Http.BillingUsageHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted)
        );

        app.MapPost("/v1/admin/keys", (HttpContext context, ApiKeyAdminHandler handler) =>
            handler.CreateAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/admin/keys", (HttpContext context, ApiKeyAdminHandler handler) =>
            handler.ListAsync(context.Request, context.RequestAborted)
        );
        app.MapDelete("/v1/admin/keys/{prefix}", (HttpContext context, string prefix, ApiKeyAdminHandler handler) =>
            handler.RevokeAsync(context.Request, prefix, context.RequestAborted)
        );

        app.MapGet("/v1/admin/redaction", (HttpContext context, RedactionSettingsHandler handler) =>
            handler.GetAsync(context.Request, context.RequestAborted)
        );
        app.MapPut("/v1/admin/redaction", (HttpContext context, RedactionSettingsHandler handler) =>
            handler.PutAsync(context.Request, context.RequestAborted)
        );

        app.MapGet("/v1/admin/retention", (HttpContext context, Governance.Retention.RetentionPolicyHandler handler) =>
            handler.GetAsync(context.Request, context.RequestAborted)
        );
        app.MapPut("/v1/admin/retention", (HttpContext context, Governance.Retention.RetentionPolicyHandler handler) =>
            handler.PutAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/export", (HttpContext context, Governance.Export.ExportHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted)
        );

        app.MapGet("/v1/audit", (HttpContext context, AuditQueryHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/audit/verification", (HttpContext context, AuditVerificationHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted)
        );
        app.MapPost("/v1/deletions", (HttpContext context, DeletionHandler handler) =>
            handler.CreateAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/deletions/{id}", (HttpContext context, string id, DeletionHandler handler) =>
            handler.GetAsync(context.Request, id, context.RequestAborted)
        );
        app.MapPost("/v1/deletions/{id}/approve", (HttpContext context, string id, DeletionHandler handler) =>
            handler.ApproveAsync(context.Request, id, context.RequestAborted)
        );
        app.MapPost("/v1/deletions/{id}/reject", (HttpContext context, string id, DeletionHandler handler) =>
            handler.RejectAsync(context.Request, id, context.RequestAborted)
        );
        app.MapGet("/v1/approvals", (HttpContext context, ApprovalsHandler handler) =>
            handler.ListAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/approvals/{id}", (HttpContext context, string id, ApprovalsHandler handler) =>
            handler.GetAsync(context.Request, id, context.RequestAborted)
        );
        app.MapPost("/v1/approvals/{id}/approve", (HttpContext context, string id, ApprovalsHandler handler) =>
            handler.ApproveAsync(context.Request, id, context.RequestAborted)
        );
        app.MapPost("/v1/approvals/{id}/reject", (HttpContext context, string id, ApprovalsHandler handler) =>
            handler.RejectAsync(context.Request, id, context.RequestAborted)
        );

        app.MapPost("/v1/tenants", (HttpContext context, TenantHandler handler) =>
            handler.CreateAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/tenants", (HttpContext context, TenantHandler handler) =>
            handler.ListAsync(context.Request, context.RequestAborted)
        );
        app.MapGet("/v1/tenants/{id}", (HttpContext context, string id, TenantHandler handler) =>
            handler.GetAsync(context.Request, id, context.RequestAborted)
        );
        app.MapPatch("/v1/tenants/{id}", (HttpContext context, string id, TenantHandler handler) =>
            handler.UpdateAsync(context.Request, id, context.RequestAborted)
        );
        app.MapPost("/v1/tenants/{id}/suspend", (HttpContext context, string id, TenantHandler handler) =>
            handler.SuspendAsync(context.Request, id, context.RequestAborted)
        );
        app.MapPost("/v1/tenants/{id}/resume", (HttpContext context, string id, TenantHandler handler) =>
            handler.ResumeAsync(context.Request, id, context.RequestAborted)
        );

        app.MapPost("/v1/tenants/{id}/deletion", (HttpContext context, string id, DeletionHandler handler) =>
            handler.OffboardAsync(context.Request, id, context.RequestAborted)
        );

        app.MapGet("/v1/members", (HttpContext context, Governance.People.MembersHandler handler) =>
            handler.ListAsync(context.Request, context.RequestAborted)
        );
        app.MapPost("/v1/members", (HttpContext context, Governance.People.MembersHandler handler) =>
            handler.AddAsync(context.Request, context.RequestAborted)
        );
        app.MapDelete(
            "/v1/members/{subject}",
            (HttpContext context, string subject, Governance.People.MembersHandler handler) =>
                handler.RemoveAsync(context.Request, subject, context.RequestAborted)
        );

        app.MapGet("/livez", HealthHandler.Live);
        app.MapGet("/healthz", (HealthHandler handler, CancellationToken cancellationToken) =>
            handler.ReadyAsync(cancellationToken)
        );
    }
}
