import { useState, type SyntheticEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useLoad } from "../api/useLoad";
import { Button, Cell, Field, Section, Table } from "../components/Controls";
import { Empty, ErrorState, Loaded } from "../components/States";
import { formatTime } from "../format/money";

const allScopes: Schemas["ApiKeyScope"][] = ["ingest", "read", "admin", "approver"];

export function Keys() {
  const [keys, reload] = useLoad(async () => unwrap(await api.GET("/v1/admin/keys")).data, []);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Schemas["ApiKeyScope"][]>(["ingest", "read"]);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState("");

  const create = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError("");
    try {
      setSecret(unwrap(await api.POST("/v1/admin/keys", { body: { name, scopes } })).data.key);
      setName("");
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const revoke = async (prefix: string) => {
    setError("");
    const { error: failed, response } = await api.DELETE("/v1/admin/keys/{prefix}", { params: { path: { prefix } } });
    if (!response.ok) setError(failed ? `${failed.error.code}: ${failed.error.message}` : `HTTP ${response.status}`);
    reload();
  };
  const toggle = (scope: Schemas["ApiKeyScope"]) => setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));

  return (
    <>
      <Section title="Create a key">
        <form onSubmit={(e) => void create(e)} className="flex max-w-xl flex-col gap-3">
          <Field label="Name" required value={name} onChange={(e) => setName(e.target.value)} />
          <fieldset className="flex gap-4 text-sm">
            <legend className="mb-1 font-medium">Scopes</legend>
            {allScopes.map((scope) => (
              <label key={scope} className="flex items-center gap-1">
                <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {scope}
              </label>
            ))}
          </fieldset>
          <Button type="submit" className="w-32" disabled={scopes.length === 0}>
            Create key
          </Button>
        </form>
        {error && <ErrorState message={error} />}
        {secret && (
          <div role="status" className="mt-4 rounded border border-amber-400 bg-amber-50 p-3 text-sm">
            <p>The new key, shown only now: copy it before you leave this page.</p>
            <code className="mt-1 block break-all" data-testid="new-key-secret">
              {secret}
            </code>
            <Button kind="plain" className="mt-2" onClick={() => setSecret(null)}>
              I have copied it
            </Button>
          </div>
        )}
      </Section>
      <Section title="Keys">
        <Loaded load={keys} what="keys" retry={reload}>
          {(list) =>
            list.length === 0 ? (
              <Empty>This project has no keys.</Empty>
            ) : (
              <Table caption="API keys" headers={["Prefix", "Name", "Scopes", "Holder", "Created", "Last used", ""]}>
                {list.map((k) => (
                  <tr key={k.prefix}>
                    <Cell>
                      <code>{k.prefix}</code>
                    </Cell>
                    <Cell>{k.name}</Cell>
                    <Cell>{k.scopes.join(", ")}</Cell>
                    <Cell>{k.principal}</Cell>
                    <Cell>{formatTime(k.created_at)}</Cell>
                    <Cell>{formatTime(k.last_used_at)}</Cell>
                    <Cell>
                      {k.revoked_at ? (
                        `revoked ${formatTime(k.revoked_at)}`
                      ) : (
                        <Button kind="danger" onClick={() => void revoke(k.prefix)} aria-label={`Revoke key ${k.prefix}`}>
                          Revoke
                        </Button>
                      )}
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
