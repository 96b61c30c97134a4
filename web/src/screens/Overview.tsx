import { useState } from "react";
import { api, unwrap } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Cell, Select, Section, Table } from "../components/Controls";
import { Empty, Loaded } from "../components/States";
import { formatTime } from "../format/money";

const windows = [
  { label: "Last hour", hours: 1 },
  { label: "Last 24 hours", hours: 24 },
  { label: "Last 7 days", hours: 24 * 7 },
  { label: "Last 30 days", hours: 24 * 30 },
];

/** What the API names in `unknown`, said in words: these figures are not kept per tenant. */
const unknownText: Record<string, string> = {
  consumer_lag: "Consumer lag in records (shared by every project on a partition)",
};

/** A lag in seconds as a person reads it: "45 s", "12 min", "3 h 5 min". */
function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

export function Overview() {
  const [hours, setHours] = useState(24);
  // The window ends when it is chosen (or reloaded), so a reload moves it forward.
  const [overview, reload] = useLoad(async () => {
    const to = new Date();
    const from = new Date(to.getTime() - hours * 3_600_000);
    return unwrap(await api.GET("/v1/stats/overview", { params: { query: { from: from.toISOString(), to: to.toISOString() } } }));
  }, [hours]);

  return (
    <Section title="Accepted events over a window">
      <div className="mb-4 flex items-end gap-3">
        <Select label="Window" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
          {windows.map((w) => (
            <option key={w.hours} value={w.hours}>
              {w.label}
            </option>
          ))}
        </Select>
      </div>
      <Loaded load={overview} what="the overview" retry={reload}>
        {(o) => (
          <>
            <p className="mb-3 text-sm text-slate-700">
              From {formatTime(o.from)} to {formatTime(o.to)}
            </p>
            <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
              <div className="rounded border border-slate-300 bg-white p-3">
                <dt className="text-sm text-slate-700">Accepted events</dt>
                <dd className="text-2xl font-semibold">{o.accepted}</dd>
              </div>
              <div className="rounded border border-slate-300 bg-white p-3">
                <dt className="text-sm text-slate-700">Fills waiting for NAV (lag)</dt>
                <dd className="text-2xl font-semibold">{o.pending}</dd>
                {o.oldest_pending_age_seconds !== undefined && (
                  <dd className="text-sm text-slate-700">oldest waiting {formatAge(o.oldest_pending_age_seconds)}</dd>
                )}
              </div>
              <div className="rounded border border-slate-300 bg-white p-3">
                <dt className="text-sm text-slate-700">Rejected events</dt>
                <dd className="text-2xl font-semibold">{o.rejected}</dd>
              </div>
              <div className="rounded border border-slate-300 bg-white p-3">
                <dt className="text-sm text-slate-700">Dead letters</dt>
                <dd className="text-2xl font-semibold">{o.dead_lettered}</dd>
              </div>
            </dl>
            {o.by_type_and_status.length === 0 ? (
              <Empty>No events were accepted in this window.</Empty>
            ) : (
              <Table caption="Accepted events by type and status" headers={["Type", "Status", "Events"]}>
                {o.by_type_and_status.map((r) => (
                  <tr key={`${r.type} ${r.status}`}>
                    <Cell>{r.type}</Cell>
                    <Cell>{r.status}</Cell>
                    <Cell>{r.events}</Cell>
                  </tr>
                ))}
              </Table>
            )}
            {o.errors_by_code.length === 0 ? (
              <p className="mt-4 text-sm text-slate-700">No events were refused on the days of this window.</p>
            ) : (
              <div className="mt-4">
                <Table caption="Refused events by error code (whole days, up to 5 seconds behind)" headers={["Code", "Events"]}>
                  {o.errors_by_code.map((r) => (
                    <tr key={r.code}>
                      <Cell>{r.code}</Cell>
                      <Cell>{r.events}</Cell>
                    </tr>
                  ))}
                </Table>
              </div>
            )}
            {o.dead_letters.length === 0 ? (
              <p className="mt-4 text-sm text-slate-700">No dead letters in this window.</p>
            ) : (
              <div className="mt-4">
                <Table caption="Dead letters by consumer and reason" headers={["Consumer", "Reason", "Events"]}>
                  {o.dead_letters.map((d) => (
                    <tr key={`${d.consumer} ${d.reason}`}>
                      <Cell>{d.consumer}</Cell>
                      <Cell>{d.reason}</Cell>
                      <Cell>{d.events}</Cell>
                    </tr>
                  ))}
                </Table>
              </div>
            )}
            {o.unknown.length > 0 && (
              <p className="mt-4 text-sm text-slate-700">
                Not kept per project, so not shown here: {o.unknown.map((u) => unknownText[u] ?? u).join(", ")}. Operators see them in the
                platform&apos;s metrics.
              </p>
            )}
          </>
        )}
      </Loaded>
    </Section>
  );
}
