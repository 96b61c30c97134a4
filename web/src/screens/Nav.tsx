import { useState, type SyntheticEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Field, Section, Select } from "../components/Controls";
import { Empty, Loaded } from "../components/States";
import { NavChart } from "../components/NavChart";

interface Query {
  series: string;
  cell: string;
  from: string;
  to: string;
  interval: Schemas["NavIntervalParameter"];
}

/** A datetime-local value (the browser's local time, which is what the input shows and new Date() reads back). */
function hoursAgo(hours: number): string {
  const at = new Date(Date.now() - hours * 3_600_000);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function Nav({ initialSeries = "" }: { initialSeries?: string }) {
  const [draft, setDraft] = useState<Query>({ series: initialSeries, cell: "", from: hoursAgo(24), to: hoursAgo(-1), interval: "auto" });
  const [query, setQuery] = useState<Query | null>(initialSeries ? draft : null);
  const [nav, reload] = useLoad(async () => {
    if (!query) return null;
    const params: Record<string, string | number> = { interval: query.interval, limit: 1000 };
    if (query.cell) params.cell = query.cell;
    if (query.from) params.from = new Date(query.from).toISOString();
    if (query.to) params.to = new Date(query.to).toISOString();
    return unwrap(await api.GET("/v1/series/{series}/nav", { params: { path: { series: query.series }, query: params } }));
  }, [query]);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setQuery({ ...draft });
  };

  return (
    <Section title="NAV per series and cell">
      <form onSubmit={submit} className="mb-4 grid max-w-4xl grid-cols-2 gap-3 sm:grid-cols-6">
        <Field label="Series" required value={draft.series} onChange={(e) => setDraft({ ...draft, series: e.target.value })} />
        <Field label="Cell (optional)" value={draft.cell} onChange={(e) => setDraft({ ...draft, cell: e.target.value })} />
        <Field
          label="From (local time)"
          type="datetime-local"
          value={draft.from}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
        />
        <Field
          label="To (local time)"
          type="datetime-local"
          value={draft.to}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
        />
        <Select
          label="Interval"
          value={draft.interval}
          onChange={(e) => setDraft({ ...draft, interval: e.target.value as Query["interval"] })}
        >
          {["auto", "raw", "1m", "5m", "15m", "1h", "1d"].map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </Select>
        <Button type="submit" className="self-end">
          Show NAV
        </Button>
      </form>
      {query === null ? (
        <Empty>Name a series to chart its NAV.</Empty>
      ) : (
        <Loaded load={nav} what="NAV points" retry={reload}>
          {(result) =>
            !result || result.data.length === 0 ? (
              <Empty>No NAV points for this series, cell and interval.</Empty>
            ) : (
              <>
                <p className="mb-2 text-sm text-slate-700">
                  {result.meta.count} points at interval {result.meta.interval}
                  {result.meta.next_page_token ? " (more follow: narrow the interval)" : ""}.
                </p>
                {[...new Set(result.data.map((p) => p.cell))].map((cell) => (
                  <div key={cell} className="mb-6">
                    <h3 className="mb-1 font-medium">Cell {cell}</h3>
                    <NavChart points={result.data.filter((p) => p.cell === cell)} />
                  </div>
                ))}
              </>
            )
          }
        </Loaded>
      )}
    </Section>
  );
}
