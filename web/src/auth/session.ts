// Who is signed in. A person's access token lives in sessionStorage (gone when the tab closes, so a reload keeps the
// session); a pasted API key lives in memory only. Nothing here ever touches localStorage.

export type Session =
  | { kind: "person"; token: string; subject: string; name: string; operator: boolean; expiresAt: number }
  | { kind: "key"; key: string; prefix: string };

const tokenItem = "pit.console.token";
const tenantItem = "pit.console.tenant";

let current: Session | null = null;
let tenant: string | null = sessionStorage.getItem(tenantItem);

export function currentSession(): Session | null {
  if (current) return current;
  const stored = sessionStorage.getItem(tokenItem);
  if (!stored) return null;
  const restored = personFromToken(stored);
  if (restored?.kind !== "person" || restored.expiresAt <= Date.now()) {
    sessionStorage.removeItem(tokenItem);
    return null;
  }
  current = restored;
  return current;
}

export function signInWithToken(token: string): Session {
  const person = personFromToken(token);
  if (!person) throw new Error("the identity provider's access token is not a JWT");
  sessionStorage.setItem(tokenItem, token);
  current = person;
  return person;
}

export function signInWithKey(key: string): Session {
  const match = /^pit_([a-z0-9]{8})_[a-z0-9]{32}$/.exec(key.trim());
  if (!match) throw new Error("an API key looks like pit_<8 characters>_<32 characters>");
  current = { kind: "key", key: key.trim(), prefix: match[1]! };
  return current;
}

export function signOut(): void {
  current = null;
  tenant = null;
  sessionStorage.removeItem(tokenItem);
  sessionStorage.removeItem(tenantItem);
}

/** The tenant a person acts in (sent as Pit-Tenant); null for an operator acting as operator, or a key's own tenant. */
export function currentTenant(): string | null {
  return tenant;
}

export function chooseTenant(id: string | null): void {
  tenant = id;
  if (id) sessionStorage.setItem(tenantItem, id);
  else sessionStorage.removeItem(tenantItem);
}

/** The principal the API records for this session, as in audit entries and approvals. */
export function principalOf(session: Session): string {
  return session.kind === "person" ? `person:${session.subject}` : session.prefix;
}

export function authorization(session: Session): string {
  return `Bearer ${session.kind === "person" ? session.token : session.key}`;
}

interface Claims {
  sub?: string;
  name?: string;
  exp?: number;
  roles?: string[];
}

function personFromToken(token: string): Session | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Claims;
    if (!claims.sub || !claims.exp) return null;
    return {
      kind: "person",
      token,
      subject: claims.sub,
      name: claims.name ?? claims.sub,
      // The display only: the API decides what an operator may do from the verified token.
      operator: (claims.roles ?? []).some((role) => role.toLowerCase().includes("operator")),
      expiresAt: claims.exp * 1000,
    };
  } catch {
    return null;
  }
}
