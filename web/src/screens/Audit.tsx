import { api, unwrap } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Cell, Section, Table } from "../components/Controls";
import { Empty, Loaded } from "../components/States";
import { formatTime } from "../format/money";

export function Audit() {
  const [entries, reload] = useLoad(async () => unwrap(await api.GET("/v1/audit", { params: { query: { limit: 200 } } })).data, []);
  const [verification, verify] = useLoad(async () => unwrap(await api.GET("/v1/audit/verification")).data, []);

  return (
    <>
      <Section title="Chain verification">
        <Loaded load={verification} what="the chain verification" retry={verify}>
          {(v) => (
            <div
              role="status"
              className={`rounded border p-3 text-sm ${v.intact ? "border-green-400 bg-green-50 text-green-900" : "border-red-400 bg-red-50 text-red-900"}`}
            >
              {v.intact
                ? `Intact: ${v.entries} entries checked, every hash and link matches and the chain ends at its recorded head.`
                : `Broken at entry ${v.problem?.sequence ?? "?"}: ${v.problem?.reason ?? ""}`}
              <Button kind="plain" className="ml-3" onClick={verify}>
                Verify again
              </Button>
            </div>
          )}
        </Loaded>
      </Section>
      <Section title="Audit trail">
        <Loaded load={entries} what="the audit trail" retry={reload}>
          {(list) =>
            list.length === 0 ? (
              <Empty>Nothing has been audited in this project yet.</Empty>
            ) : (
              <Table caption="Audit trail, oldest first" headers={["#", "At", "Who", "Action", "Target", "Hash"]}>
                {list.map((e) => (
                  <tr key={e.sequence}>
                    <Cell>{e.sequence}</Cell>
                    <Cell>{formatTime(e.at)}</Cell>
                    <Cell>{e.principal}</Cell>
                    <Cell>{e.action}</Cell>
                    <Cell>{e.target}</Cell>
                    <Cell>
                      <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                    </Cell>
                  </tr>
                ))}
              </Table>
            )
          }
        </Loaded>
      </Section>
    </>
  );
}
