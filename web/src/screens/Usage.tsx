import { useState } from "react";
import { api, unwrap } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Cell, Field, Section, Table } from "../components/Controls";
import { Empty, Loaded } from "../components/States";
import { formatMicros } from "../format/money";

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function Usage() {
  const [from, setFrom] = useState(day(-29));
  const [to, setTo] = useState(day(0));
  const [usage, reload] = useLoad(async () => unwrap(await api.GET("/v1/usage", { params: { query: { from, to } } })), [from, to]);

  return (
    <Section title="Usage per day and model">
      <div className="mb-4 flex gap-3">
        <Field label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <Field label="To" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <Loaded load={usage} what="usage" retry={reload}>
        {({ data, meta }) =>
          data.length === 0 ? (
            <Empty>
              No LLM calls between {meta.from} and {meta.to}.
            </Empty>
          ) : (
            <>
              <Table caption="Usage per day and model" headers={["Day", "Model", "Calls", "Input tokens", "Output tokens", "Cost"]}>
                {data.map((u) => (
                  <tr key={`${u.day} ${u.model} ${u.currency ?? ""}`}>
                    <Cell>{u.day}</Cell>
                    <Cell>{u.model}</Cell>
                    <Cell>{u.calls}</Cell>
                    <Cell>{u.input_tokens}</Cell>
                    <Cell>{u.output_tokens}</Cell>
                    <Cell>{u.currency ? formatMicros(u.cost_micros, u.currency) : "—"}</Cell>
                  </tr>
                ))}
              </Table>
              <p className="mt-3 text-sm">
                Totals:{" "}
                {meta.totals
                  .map((t) => `${t.calls} calls, ${t.currency ? formatMicros(t.cost_micros, t.currency) : "no cost named"}`)
                  .join("; ")}
              </p>
            </>
          )
        }
      </Loaded>
    </Section>
  );
}
