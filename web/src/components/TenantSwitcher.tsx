import { useState, type SyntheticEvent } from "react";
import type { Session } from "../auth/session";
import { Button } from "./Controls";

/**
 * The project a person acts in (the Pit-Tenant header). A key belongs to one project, so a key session has no switcher;
 * an operator may leave the project to manage projects.
 */
export function TenantSwitcher({
  session,
  tenant,
  onChoose,
}: {
  session: Session;
  tenant: string | null;
  onChoose: (id: string | null) => void;
}) {
  const [draft, setDraft] = useState(tenant ?? "");
  if (session.kind === "key") return <span className="text-sm text-slate-700">the key&apos;s project</span>;
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    onChoose(draft.trim() || null);
  };
  return (
    <form onSubmit={submit} className="flex items-center gap-2 text-sm">
      <label htmlFor="tenant-switcher">Project</label>
      <input
        id="tenant-switcher"
        className="w-40 rounded border border-slate-400 px-2 py-1"
        value={draft}
        placeholder={session.operator ? "(operator)" : "your project id"}
        onChange={(e) => setDraft(e.target.value)}
      />
      <Button type="submit" kind="plain">
        Switch
      </Button>
      {session.operator && tenant && (
        <Button kind="plain" onClick={() => onChoose(null)}>
          Back to projects
        </Button>
      )}
    </form>
  );
}
