import { useState, type SyntheticEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Cell, Field, Section, Select, Table } from "../components/Controls";
import { Empty, ErrorState, Loaded } from "../components/States";
import { formatTime } from "../format/money";

type Scope = Schemas["DeletionRequest"]["scope"];

/** The inbox of pending governance requests (deletions, redaction, retention) and the form that requests a deletion. */
export function Approvals({ principal }: { principal: string }) {
  const [pending, reload] = useLoad(
    async () => unwrap(await api.GET("/v1/approvals", { params: { query: { state: "pending" } } })).data,
    [],
  );
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [form, setForm] = useState({ scope: "series" as Scope, series: "", cell: "", subject: "", reason: "" });

  const decide = async (id: string, approve: boolean) => {
    setError("");
    setNotice("");
    const path = approve ? "/v1/approvals/{id}/approve" : "/v1/approvals/{id}/reject";
    try {
      const decided = unwrap(await api.POST(path, { params: { path: { id } } })).data;
      setNotice(`Request ${decided.id} is ${decided.state}.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    reload();
  };
  const request = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError("");
    setNotice("");
    const body: Schemas["DeletionRequest"] = { scope: form.scope, reason: form.reason };
    if (form.scope === "series" || form.scope === "cell") body.series = form.series;
    if (form.scope === "cell") body.cell = form.cell;
    if (form.scope === "subject") body.subject = form.subject;
    try {
      const created = unwrap(await api.POST("/v1/deletions", { body })).data;
      setNotice(`Deletion ${created.id} requested: another approver must approve it.`);
      setForm({ ...form, reason: "" });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    reload();
  };

  return (
    <>
      {error && <ErrorState message={error} />}
      {notice && (
        <p role="status" className="mb-4 rounded border border-green-400 bg-green-50 p-3 text-sm text-green-900">
          {notice}
        </p>
      )}
      <Section title="Pending approvals">
        <Loaded load={pending} what="pending approvals" retry={reload}>
          {(list) =>
            list.length === 0 ? (
              <Empty>Nothing waits for an approval.</Empty>
            ) : (
              <Table caption="Pending approvals" headers={["Kind", "Asked by", "Scope or change", "Reason", "Expires", ""]}>
                {list.map((a) => {
                  const own = a.requested_by === principal;
                  return (
                    <tr key={a.id}>
                      <Cell>{a.kind}</Cell>
                      <Cell>
                        {a.requested_by}
                        {own && " (you)"}
                        <br />
                        <span className="text-slate-600">{formatTime(a.requested_at)}</span>
                      </Cell>
                      <Cell>
                        <code>{JSON.stringify(a.change)}</code>
                      </Cell>
                      <Cell>{a.reason}</Cell>
                      <Cell>{formatTime(a.expires_at)}</Cell>
                      <Cell>
                        <div className="flex gap-2">
                          <Button
                            onClick={() => void decide(a.id, true)}
                            disabled={own}
                            title={own ? "Another person must approve your own request" : undefined}
                            aria-label={`Approve ${a.kind} ${a.id}`}
                          >
                            Approve
                          </Button>
                          <Button kind="plain" onClick={() => void decide(a.id, false)} aria-label={`Reject ${a.kind} ${a.id}`}>
                            Reject
                          </Button>
                        </div>
                      </Cell>
                    </tr>
                  );
                })}
              </Table>
            )
          }
        </Loaded>
      </Section>
      <Section title="Request a deletion">
        <form onSubmit={(e) => void request(e)} className="grid max-w-2xl grid-cols-1 gap-3 sm:grid-cols-2">
          <Select label="Scope" value={form.scope} onChange={(e) => setForm({ ...form, scope: e.target.value as Scope })}>
            <option value="series">series</option>
            <option value="cell">cell</option>
            <option value="subject">subject</option>
            <option value="tenant">the whole project</option>
          </Select>
          {(form.scope === "series" || form.scope === "cell") && (
            <Field label="Series" required value={form.series} onChange={(e) => setForm({ ...form, series: e.target.value })} />
          )}
          {form.scope === "cell" && (
            <Field label="Cell" required value={form.cell} onChange={(e) => setForm({ ...form, cell: e.target.value })} />
          )}
          {form.scope === "subject" && (
            <Field
              label="Subject (user_ref_hash)"
              required
              value={form.subject}
              onChange={(e) => setForm({ ...form, subject: e.target.value })}
            />
          )}
          <Field label="Reason" required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
          <Button type="submit" kind="danger" className="self-end sm:w-48">
            Request deletion
          </Button>
        </form>
      </Section>
    </>
  );
}
