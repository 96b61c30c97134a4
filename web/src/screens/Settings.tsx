import { useState, type SyntheticEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Field, Section, Select } from "../components/Controls";
import { Empty, ErrorState, Loaded } from "../components/States";
import { formatTime } from "../format/money";

const detectors = ["email", "ssn", "phone", "card", "ip"] as const;
const modes: Schemas["RedactionMode"][] = ["replace", "mask", "hash", "remove"];

/** Redaction and retention. A change that needs an approval comes back as a pending request, shown below. */
export function Settings() {
  const [redaction, reloadRedaction] = useLoad(async () => unwrap(await api.GET("/v1/admin/redaction")).data, []);
  const [retention, reloadRetention] = useLoad(async () => unwrap(await api.GET("/v1/admin/retention")).data, []);
  const [pending, reloadPending] = useLoad(
    async () =>
      unwrap(await api.GET("/v1/approvals", { params: { query: { state: "pending" } } })).data.filter((a) => a.kind !== "deletion"),
    [],
  );
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [days, setDays] = useState("");

  const after = (result: { response: Response; error?: unknown }, what: string) => {
    if (result.response.status === 202) setNotice(`${what}: requested, pending an approval.`);
    else if (result.response.ok) setNotice(`${what}: saved.`);
    reloadRedaction();
    reloadRetention();
    reloadPending();
  };
  const run = async (what: string, call: () => Promise<{ response: Response; error?: unknown; data?: unknown }>) => {
    setError("");
    setNotice("");
    try {
      const result = await call();
      unwrap(result);
      after(result, what);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const setMode = (detector: (typeof detectors)[number], mode: Schemas["RedactionMode"]) =>
    void run(`Redaction of ${detector}`, () => api.PUT("/v1/admin/redaction", { body: { [detector]: mode } }));
  const setStoreRaw = (storeRaw: boolean) =>
    void run(storeRaw ? "Keeping raw text" : "Redacting again", () => api.PUT("/v1/admin/redaction", { body: { store_raw: storeRaw } }));
  const saveRetention = (event: SyntheticEvent) => {
    event.preventDefault();
    void run("Retention", () => api.PUT("/v1/admin/retention", { body: { days: Number(days) } }));
  };

  return (
    <>
      {error && <ErrorState message={error} />}
      {notice && (
        <p role="status" className="mb-4 rounded border border-green-400 bg-green-50 p-3 text-sm text-green-900">
          {notice}
        </p>
      )}
      <Section title="Redaction">
        <Loaded load={redaction} what="redaction settings" retry={reloadRedaction}>
          {(r) => (
            <div className="flex flex-col gap-3">
              <div className="grid max-w-2xl grid-cols-2 gap-3 sm:grid-cols-5">
                {detectors.map((d) => (
                  <Select key={d} label={d} value={r[d]} onChange={(e) => setMode(d, e.target.value as Schemas["RedactionMode"])}>
                    {modes.map((m) => (
                      <option key={m} value={m}>
                        {m}
                      </option>
                    ))}
                  </Select>
                ))}
              </div>
              <p className="text-sm">
                Raw text is {r.store_raw ? <strong>kept unredacted</strong> : "redacted"}.{" "}
                {r.store_raw ? (
                  <Button kind="plain" onClick={() => setStoreRaw(false)}>
                    Redact again
                  </Button>
                ) : (
                  <Button kind="plain" onClick={() => setStoreRaw(true)}>
                    Request keeping raw text (needs an approval)
                  </Button>
                )}
              </p>
            </div>
          )}
        </Loaded>
      </Section>
      <Section title="Retention">
        <Loaded load={retention} what="the retention policy" retry={reloadRetention}>
          {(r) => (
            <form onSubmit={saveRetention} className="flex max-w-xl flex-col gap-3">
              <p className="text-sm">
                Events are kept {r.days} days{r.tier ? ` (tier ${r.tier})` : ""}
                {r.default ? " (the default)" : ""}. An admin may set {r.bounds.min_days} to {r.bounds.max_days} days alone; longer needs an
                approval, and the plan caps it.
              </p>
              <Field label="Days" type="number" min={1} required value={days} onChange={(e) => setDays(e.target.value)} />
              <Button type="submit" className="w-40">
                Set retention
              </Button>
            </form>
          )}
        </Loaded>
      </Section>
      <Section title="Pending changes">
        <Loaded load={pending} what="pending changes" retry={reloadPending}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No settings change waits for an approval.</Empty>
            ) : (
              <ul className="list-disc pl-5 text-sm">
                {list.map((a) => (
                  <li key={a.id}>
                    {a.kind} {JSON.stringify(a.change)}: asked by {a.requested_by}, expires {formatTime(a.expires_at)}
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </Section>
    </>
  );
}
