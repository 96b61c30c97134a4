// The API client: openapi-fetch over the types openapi-typescript generates from docs/API_SPEC.yaml at build time, so the
// console and the API cannot drift. Every request carries the session's credential and, for a person, the chosen tenant.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.gen";
import { authorization, currentSession, currentTenant } from "../auth/session";

export type Schemas = components["schemas"];
export type ApiError = Schemas["ErrorResponse"];

let apiBase: string | null = null;

/** The API's origin when it is not the page's own (set from /console/config.json before the first call). */
export function setApiBase(url: string | undefined): void {
  apiBase = url ? url.replace(/\/$/, "") : null;
}

const credentials: Middleware = {
  onRequest({ request: original }) {
    const request = apiBase ? new Request(original.url.replace(location.origin, apiBase), original) : original;
    const session = currentSession();
    if (session) request.headers.set("Authorization", authorization(session));
    const tenant = currentTenant();
    if (session?.kind === "person" && tenant) request.headers.set("Pit-Tenant", tenant);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(credentials);

/** A failed call's message for people: the API's error code and message, or the HTTP status. */
export function describeError(error: unknown, response?: Response): string {
  const body = error as Partial<ApiError> | undefined;
  if (body?.error) return `${body.error.code}: ${body.error.message}`;
  if (error instanceof Error) return error.message;
  return response ? `HTTP ${response.status}` : "the request failed";
}

/** Unwraps an openapi-fetch result: the data, or throws with the API's error message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined) return result.data;
  throw new Error(describeError(result.error, result.response));
}
