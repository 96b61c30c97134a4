import { useState, type SyntheticEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Cell, Field, Section, Select, Table } from "../components/Controls";
import { Empty, ErrorState, Loaded } from "../components/States";

/** Operators: every tenant (project), and a form that creates one; its first admin key is shown once. */
export function Projects({ onOpen, onUseKey }: { onOpen: (tenant: string) => void; onUseKey: (key: string) => void }) {
  const [tenants, reload] = useLoad(async () => unwrap(await api.GET("/v1/tenants")).data, []);
  const [created, setCreated] = useState<Schemas["CreatedTenantResponse"]["data"] | null>(null);
  const [error, setError] = useState("");
  const [form, setForm] = useState({ id: "", display_name: "", plan: "free" as Schemas["TenantPlan"] });

  const create = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError("");
    try {
      setCreated(unwrap(await api.POST("/v1/tenants", { body: form })).data);
      setForm({ id: "", display_name: "", plan: "free" });
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <>
      <Section title="Create project">
        <form onSubmit={(e) => void create(e)} className="grid max-w-xl grid-cols-1 gap-3 sm:grid-cols-3">
          <Field
            label="Id"
            required
            pattern="[a-z0-9][a-z0-9-]*"
            value={form.id}
            onChange={(e) => setForm({ ...form, id: e.target.value })}
          />
          <Field label="Name" required value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.target.value })} />
          <Select label="Plan" value={form.plan} onChange={(e) => setForm({ ...form, plan: e.target.value as Schemas["TenantPlan"] })}>
            <option value="free">free</option>
            <option value="team">team</option>
            <option value="pro">pro</option>
          </Select>
          <Button type="submit" className="sm:col-span-3 sm:w-40">
            Create project
          </Button>
        </form>
        {error && <ErrorState message={error} />}
        {created && (
          <div role="status" className="mt-4 rounded border border-amber-400 bg-amber-50 p-3 text-sm">
            <p>
              Project <strong>{created.tenant.id}</strong> created. Its first admin key, shown only now:
            </p>
            <code className="mt-1 block break-all" data-testid="tenant-admin-key">
              {created.admin_key.key}
            </code>
            <Button kind="plain" className="mt-2" onClick={() => onUseKey(created.admin_key.key)}>
              Continue in {created.tenant.id} with this key
            </Button>
          </div>
        )}
      </Section>
      <Section title="Projects">
        <Loaded load={tenants} what="projects" retry={reload}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No projects yet: create the first one above.</Empty>
            ) : (
              <Table caption="Projects" headers={["Id", "Name", "Plan", "Status", ""]}>
                {list.map((t) => (
                  <tr key={t.id}>
                    <Cell>{t.id}</Cell>
                    <Cell>{t.display_name}</Cell>
                    <Cell>{t.plan}</Cell>
                    <Cell>{t.status}</Cell>
                    <Cell>
                      <Button kind="plain" onClick={() => onOpen(t.id)}>
                        Open {t.id}
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
