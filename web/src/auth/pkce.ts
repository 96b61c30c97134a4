// Authorization code with PKCE in the browser: a public client, no secret. The verifier and state wait in
// sessionStorage across the provider's redirect and are removed as soon as the code is exchanged.
import type { ConsoleConfig } from "../config";

const pendingItem = "pit.console.pkce";
export const callbackPath = "/callback";

interface Pending {
  verifier: string;
  state: string;
  returnTo: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

export async function beginSignIn(config: ConsoleConfig): Promise<void> {
  const { authority, clientId } = requireProvider(config);
  const discovery = await discover(authority);
  const verifier = randomText(32);
  const pending: Pending = { verifier, state: randomText(16), returnTo: location.pathname === callbackPath ? "/" : location.pathname };
  sessionStorage.setItem(pendingItem, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  const parameters: Record<string, string> = {
    client_id: clientId,
    redirect_uri: redirectUri(),
    response_type: "code",
    scope: "openid profile email",
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
    state: pending.state,
  };
  if (config.audience) parameters.resource = config.audience;
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  location.assign(url.toString());
}

/** On /callback: exchanges the code for an access token; returns it and where to go next. */
export async function completeSignIn(config: ConsoleConfig): Promise<{ token: string; returnTo: string }> {
  const { authority, clientId } = requireProvider(config);
  const query = new URLSearchParams(location.search);
  const stored = sessionStorage.getItem(pendingItem);
  sessionStorage.removeItem(pendingItem);
  if (query.get("error")) throw new Error(`the identity provider refused: ${query.get("error_description") ?? query.get("error") ?? ""}`);
  if (!stored) throw new Error("no sign-in was in progress in this tab");
  const pending = JSON.parse(stored) as Pending;
  const code = query.get("code");
  if (!code || query.get("state") !== pending.state) throw new Error("the sign-in answer does not match the request");
  const discovery = await discover(authority);
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri(),
    client_id: clientId,
    code_verifier: pending.verifier,
  });
  if (config.audience) body.set("resource", config.audience);
  const response = await fetch(discovery.token_endpoint, { method: "POST", body });
  if (!response.ok) throw new Error(`the token request failed (${response.status})`);
  const token = ((await response.json()) as { access_token?: string }).access_token;
  if (!token) throw new Error("the identity provider returned no access token");
  return { token, returnTo: pending.returnTo };
}

function requireProvider(config: ConsoleConfig): { authority: string; clientId: string } {
  if (!config.authority || !config.clientId) throw new Error("this host has no identity provider configured: sign in with an API key");
  return { authority: config.authority, clientId: config.clientId };
}

function redirectUri(): string {
  return `${location.origin}${callbackPath}`;
}

async function discover(authority: string): Promise<Discovery> {
  const response = await fetch(`${authority.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider's discovery document failed (${response.status})`);
  return (await response.json()) as Discovery;
}

function randomText(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
