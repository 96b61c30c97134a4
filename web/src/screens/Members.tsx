import { useState, type SyntheticEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Cell, Field, Section, Select, Table } from "../components/Controls";
import { Empty, ErrorState, Loaded } from "../components/States";
import { formatTime } from "../format/money";

export function Members() {
  const [members, reload] = useLoad(async () => unwrap(await api.GET("/v1/members")).data, []);
  const [form, setForm] = useState({ subject: "", role: "viewer" as Schemas["MemberRole"] });
  const [error, setError] = useState("");

  const add = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError("");
    try {
      unwrap(await api.POST("/v1/members", { body: form }));
      setForm({ subject: "", role: "viewer" });
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const remove = async (subject: string) => {
    setError("");
    const { response } = await api.DELETE("/v1/members/{subject}", { params: { path: { subject } } });
    if (!response.ok) setError(`removing ${subject} failed (HTTP ${response.status})`);
    reload();
  };

  return (
    <>
      <Section title="Add a person">
        <form onSubmit={(e) => void add(e)} className="grid max-w-xl grid-cols-1 gap-3 sm:grid-cols-3">
          <Field
            label="Subject (the identity provider's sub)"
            required
            value={form.subject}
            onChange={(e) => setForm({ ...form, subject: e.target.value })}
          />
          <Select label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Schemas["MemberRole"] })}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
            <option value="approver">approver</option>
          </Select>
          <Button type="submit" className="self-end">
            Add person
          </Button>
        </form>
        {error && <ErrorState message={error} />}
      </Section>
      <Section title="Members">
        <Loaded load={members} what="members" retry={reload}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No person is a member yet; keys still work.</Empty>
            ) : (
              <Table caption="Members" headers={["Subject", "Name", "Role", "Added", "By", ""]}>
                {list.map((m) => (
                  <tr key={`${m.issuer} ${m.subject}`}>
                    <Cell>{m.subject}</Cell>
                    <Cell>{m.name ?? m.email ?? ""}</Cell>
                    <Cell>{m.role}</Cell>
                    <Cell>{formatTime(m.created_at)}</Cell>
                    <Cell>{m.created_by}</Cell>
                    <Cell>
                      <Button kind="plain" onClick={() => void remove(m.subject)} aria-label={`Remove ${m.subject}`}>
                        Remove
                      </Button>
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
