import { useState, type SyntheticEvent } from "react";
import { api, unwrap } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Cell, Field, Select, Section, Table } from "../components/Controls";
import { Empty, Loaded } from "../components/States";
import { formatMicros, formatTime } from "../format/money";

/** Where an event went, or "deduplicated": any event with a deduplicated later delivery, whatever its status. */
type Status = "applied" | "pending" | "counted" | "dead_lettered" | "deduplicated";

interface Search {
  from: string;
  to: string;
  type: string;
  series: string;
  cell: string;
  model: string;
  status: "" | Status;
}

/** A datetime-local value (the browser's local time) for an instant. */
function local(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

function initial(): Search {
  const now = new Date();
  return {
    from: local(new Date(now.getTime() - 86_400_000)),
    to: local(new Date(now.getTime() + 60_000)),
    type: "",
    series: "",
    cell: "",
    model: "",
    status: "",
  };
}

export function Logs() {
  const [form, setForm] = useState<Search>(initial);
  const [search, setSearch] = useState<Search>(form);
  const [pages, setPages] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const pageToken = pages.at(-1);
  const [events, reload] = useLoad(async () => {
    const query = {
      from: new Date(search.from).toISOString(),
      to: new Date(search.to).toISOString(),
      limit: 50,
      ...(search.type ? { type: search.type } : {}),
      ...(search.series ? { series: search.series } : {}),
      ...(search.cell ? { cell: search.cell } : {}),
      ...(search.model ? { model: search.model } : {}),
      ...(search.status ? { status: search.status } : {}),
      ...(pageToken ? { page_token: pageToken } : {}),
    };
    return unwrap(await api.GET("/v1/events/recent", { params: { query } }));
  }, [search, pageToken]);

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setPages([]);
    setSelected(null);
    setSearch(form);
  };
  const set = (key: keyof Search) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  return (
    <>
      <Section title="Search events">
        <form onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3" aria-label="Search events">
          <Field label="From" type="datetime-local" value={form.from} onChange={set("from")} required />
          <Field label="To" type="datetime-local" value={form.to} onChange={set("to")} required />
          <Select label="Type" value={form.type} onChange={set("type")}>
            <option value="">Any</option>
            <option value="exec.trade_fill">Trade fill</option>
            <option value="runtime.llm_call">LLM call</option>
          </Select>
          <Field label="Series" value={form.series} onChange={set("series")} />
          <Field label="Cell" value={form.cell} onChange={set("cell")} />
          <Field label="Model" value={form.model} onChange={set("model")} />
          <Select label="Status" value={form.status} onChange={set("status")}>
            <option value="">Any</option>
            <option value="applied">Applied</option>
            <option value="pending">Pending</option>
            <option value="counted">Counted</option>
            <option value="dead_lettered">Dead-lettered</option>
            <option value="deduplicated">Deduplicated</option>
          </Select>
          <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800">
            Search
          </button>
        </form>
        <Loaded load={events} what="events" retry={reload}>
          {({ data, meta }) =>
            data.length === 0 ? (
              <Empty>No events match this search.</Empty>
            ) : (
              <>
                <Table caption="Events, newest first" headers={["Time", "Type", "Series", "Cell", "Model", "Status", ""]}>
                  {data.map((e) => (
                    <tr key={e.event_id} aria-selected={selected === e.event_id}>
                      <Cell>{formatTime(e.ts)}</Cell>
                      <Cell>{e.type}</Cell>
                      <Cell>{e.series}</Cell>
                      <Cell>{e.cell ?? "—"}</Cell>
                      <Cell>{e.model ?? "—"}</Cell>
                      <Cell>{e.duplicates > 0 ? `${e.status} (+${e.duplicates} deduplicated)` : e.status}</Cell>
                      <Cell>
                        <Button kind="plain" onClick={() => setSelected(e.event_id)} aria-label={`Details of event ${e.event_id}`}>
                          Details
                        </Button>
                      </Cell>
                    </tr>
                  ))}
                </Table>
                <div className="mt-3 flex gap-3">
                  {pages.length > 0 && (
                    <Button kind="plain" onClick={() => setPages(pages.slice(0, -1))}>
                      Newer
                    </Button>
                  )}
                  {meta.next_page_token && (
                    <Button kind="plain" onClick={() => setPages([...pages, meta.next_page_token!])}>
                      Older
                    </Button>
                  )}
                </div>
              </>
            )
          }
        </Loaded>
      </Section>
      {selected && <EventDetail id={selected} onClose={() => setSelected(null)} />}
    </>
  );
}

function EventDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const [detail, reload] = useLoad(
    async () => unwrap(await api.GET("/v1/events/recent/{event_id}", { params: { path: { event_id: id } } })),
    [id],
  );
  return (
    <Section title="Event detail">
      <Loaded load={detail} what="the event" retry={reload}>
        {({ event, handled_by, dead_lettered_by, deduplicated, llm_call }) => (
          <div className="rounded border border-slate-300 bg-white p-3 text-sm">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
              <dt className="font-medium">Event id</dt>
              <dd>
                <code>{event.event_id}</code>
              </dd>
              <dt className="font-medium">Type</dt>
              <dd>{event.type}</dd>
              <dt className="font-medium">Time</dt>
              <dd>{formatTime(event.ts)}</dd>
              <dt className="font-medium">Accepted</dt>
              <dd>{formatTime(event.accepted_at)}</dd>
              <dt className="font-medium">Series / cell</dt>
              <dd>
                {event.series} / {event.cell ?? "—"}
              </dd>
              <dt className="font-medium">Status</dt>
              <dd>{event.status}</dd>
              {llm_call && (
                <>
                  <dt className="font-medium">Model</dt>
                  <dd>{event.model}</dd>
                  <dt className="font-medium">Tokens</dt>
                  <dd>
                    {llm_call.input_tokens} in, {llm_call.output_tokens} out
                  </dd>
                  <dt className="font-medium">Cost</dt>
                  <dd>{llm_call.currency ? formatMicros(llm_call.cost_micros, llm_call.currency) : "—"}</dd>
                  <dt className="font-medium">Text</dt>
                  <dd>{llm_call.text_kept_because ? `kept (${llm_call.text_kept_because})` : "not kept (hashes only)"}</dd>
                  {llm_call.prompt !== undefined && (
                    <>
                      <dt className="font-medium">Prompt</dt>
                      <dd>
                        <pre className="whitespace-pre-wrap break-words">{llm_call.prompt}</pre>
                      </dd>
                    </>
                  )}
                  {llm_call.response !== undefined && (
                    <>
                      <dt className="font-medium">Response</dt>
                      <dd>
                        <pre className="whitespace-pre-wrap break-words">{llm_call.response}</pre>
                      </dd>
                    </>
                  )}
                </>
              )}
            </dl>
            <h3 className="mt-3 font-semibold">Where it went</h3>
            {handled_by.length === 0 && dead_lettered_by.length === 0 ? (
              <p>No consumer has applied it yet.</p>
            ) : (
              <ul className="list-disc pl-5">
                {handled_by.map((h) => (
                  <li key={h.consumer}>
                    {h.consumer === "nav-processor"
                      ? "Applied to the NAV"
                      : h.consumer === "usage-aggregator"
                        ? "Counted for usage"
                        : h.consumer}{" "}
                    ({h.consumer}) at {formatTime(h.at)}
                  </li>
                ))}
                {dead_lettered_by.map((d) => (
                  <li key={`dead ${d.consumer} ${d.at}`}>
                    Dead-lettered by {d.consumer} ({d.reason}) at {formatTime(d.at)}
                  </li>
                ))}
                {deduplicated && (
                  <li>
                    {deduplicated.deliveries === 1
                      ? `Sent again once: deduplicated at ${formatTime(deduplicated.first_at)}`
                      : `Sent again ${deduplicated.deliveries} times: deduplicated from ${formatTime(deduplicated.first_at)} to ${formatTime(deduplicated.last_at)}`}
                  </li>
                )}
              </ul>
            )}
            <Button kind="plain" className="mt-3" onClick={onClose}>
              Close
            </Button>
          </div>
        )}
      </Loaded>
    </Section>
  );
}
