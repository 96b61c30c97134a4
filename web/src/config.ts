/** What the host tells the console about sign-in (GET /console/config.json, served beside the console). */
export interface ConsoleConfig {
  /** The OpenID Connect issuer; absent when the host has no identity provider (API keys only). */
  authority?: string;
  clientId?: string;
  audience?: string;
  /** Where the API is when it is not this page's origin (Azure: the console on Static Web Apps, the API on Functions). */
  apiBaseUrl?: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch("/console/config.json", { cache: "no-store" });
  if (!response.ok) return {};
  return (await response.json()) as ConsoleConfig;
}
