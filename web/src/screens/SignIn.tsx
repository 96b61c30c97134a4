import { useState, type SyntheticEvent } from "react";
import type { ConsoleConfig } from "../config";
import { beginSignIn } from "../auth/pkce";
import { signInWithKey, type Session } from "../auth/session";
import { Button, Field } from "../components/Controls";
import { ErrorState } from "../components/States";

export function SignIn({
  config,
  onSignedIn,
  problem,
}: {
  config: ConsoleConfig;
  onSignedIn: (session: Session) => void;
  problem?: string;
}) {
  const [key, setKey] = useState("");
  const [error, setError] = useState(problem ?? "");
  const [busy, setBusy] = useState(false);

  const withProvider = () => {
    setBusy(true);
    beginSignIn(config).catch((e: unknown) => {
      setBusy(false);
      setError(e instanceof Error ? e.message : String(e));
    });
  };
  const withKey = (event: SyntheticEvent) => {
    event.preventDefault();
    try {
      onSignedIn(signInWithKey(key));
      setKey("");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <main className="mx-auto mt-16 max-w-md rounded border border-slate-300 bg-white p-6 shadow-sm">
      <h1 className="mb-4 text-2xl font-semibold">PIT console</h1>
      {error && <ErrorState message={error} />}
      {config.authority ? (
        <Button onClick={withProvider} disabled={busy} className="w-full">
          {busy ? "Redirecting…" : "Sign in with your identity provider"}
        </Button>
      ) : (
        <p className="text-sm text-slate-700">This host has no identity provider: sign in with an API key.</p>
      )}
      <form onSubmit={withKey} className="mt-6 flex flex-col gap-3 border-t border-slate-200 pt-4">
        <Field
          label="Or paste an API key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          hint="Kept in this tab's memory only: a reload signs you out."
        />
        <Button type="submit" kind="plain" disabled={!key}>
          Use this key
        </Button>
      </form>
    </main>
  );
}
