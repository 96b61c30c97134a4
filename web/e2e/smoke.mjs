// The console's smoke flow in Debian's Chromium (playwright-core; no browser download), against a running local host
// with its identity provider. tests/Console.Tests runs it; it can also run alone against `./pit up`:
//   PIT_URL=http://127.0.0.1:7071 node web/e2e/smoke.mjs
// Every screen it visits is checked with axe-core (no serious or critical violation) and kept as a screenshot in
// PIT_ARTIFACTS (default .pit/artifacts/console). Exits non-zero on the first failed step.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const base = (process.env.PIT_URL ?? "http://127.0.0.1:7071").replace(/\/$/, "");
const artifacts = resolve(process.env.PIT_ARTIFACTS ?? join(import.meta.dirname, "..", "..", ".pit", "artifacts", "console"));
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const project = `smoke-${Date.now().toString(36)}`;
const series = "alpha";
mkdirSync(artifacts, { recursive: true });

const step = (text) => console.log(`smoke: ${text}`);
const findings = [];

const browser = await chromium.launch({
  executablePath: process.env.PIT_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  // No --user-data-dir: playwright-core gives each launch a fresh temporary profile and removes it on close.
});

try {
  // --- an operator signs in and creates the project ------------------------------------------------------------
  const operator = await signIn("ola-operator");
  await operator.getByRole("heading", { name: "Projects", level: 1 }).waitFor();
  const storage = await operator.evaluate(() => ({ local: localStorage.length, session: Object.keys(sessionStorage) }));
  if (storage.local !== 0) throw new Error(`localStorage holds ${storage.local} items: nothing may be kept there`);
  if (!storage.session.includes("pit.console.token")) throw new Error("the access token is not in sessionStorage");
  step("signed in as ola-operator (token in sessionStorage, localStorage empty)");
  await check(operator, "projects-empty-form");
  await operator.getByLabel("Id", { exact: true }).fill(project);
  await operator.getByLabel("Name", { exact: true }).fill("Smoke test");
  await operator.getByRole("button", { name: "Create project" }).click();
  await operator.getByTestId("tenant-admin-key").waitFor();
  step(`created project ${project}`);
  await check(operator, "projects");
  const adminKey = (await operator.getByTestId("tenant-admin-key").textContent()).trim();
  await operator.getByRole("button", { name: `Continue in ${project} with this key` }).click();
  const stored = await operator.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  if (stored.includes(adminKey)) throw new Error("the pasted API key was written to web storage: it must stay in memory");

  // --- with the project's admin key (memory only): people, a key, events ---------------------------------------
  await operator.getByRole("heading", { name: "Members", level: 1 }).waitFor();
  await operator.getByText("No person is a member yet").waitFor();
  await check(operator, "members-empty");
  for (const [subject, role] of [
    ["ada-admin", "admin"],
    ["abe-approver", "approver"],
  ]) {
    await operator.getByLabel("Subject (the identity provider's sub)", { exact: true }).fill(subject);
    await operator.getByLabel("Role", { exact: true }).selectOption(role);
    await operator.getByRole("button", { name: "Add person" }).click();
    await operator.getByRole("cell", { name: subject, exact: true }).waitFor();
  }
  step("added ada-admin (admin) and abe-approver (approver)");
  await check(operator, "members");

  await go(operator, "API keys");
  await operator.getByLabel("Name", { exact: true }).fill("smoke ingest");
  await operator.getByRole("button", { name: "Create key" }).click();
  const ingestKey = (await operator.getByTestId("new-key-secret").textContent()).trim();
  step(`created an ingest key, shown once (${ingestKey.slice(0, 12)}...)`);
  await check(operator, "keys");

  const fills = [100, 40, 25].map((quantity, i) => ({
    type: "exec.trade_fill",
    ts: new Date(Date.now() - (3 - i) * 60_000).toISOString(),
    series,
    cell: "0001",
    payload: { instrument: "ACME", side: i === 1 ? "sell" : "buy", quantity, price_micros: 12_500_000 + i * 250_000, currency: "USD" },
  }));
  const ingest = await fetch(`${base}/v1/events`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ingestKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ data: fills }),
  });
  const ingested = await ingest.json();
  if (ingest.status !== 202 || ingested.meta.accepted !== fills.length)
    throw new Error(`ingest: ${ingest.status} ${JSON.stringify(ingested)}`);
  step(`ingested ${fills.length} trade fills into ${series}/0001`);

  // --- one person asks for a deletion, another approves it ------------------------------------------------------
  const ada = await signIn("ada-admin", project);
  for (const name of ["Usage", "Settings", "Approvals", "Audit trail"]) {
    await go(ada, name);
    await settle(ada);
    await check(ada, name.toLowerCase().replace(/ /g, "-"));
  }

  // --- ada (admin: admin and read) sees the screens and the NAV chart once the processor applied the fills ------
  await go(ada, "NAV");
  await check(ada, "nav-empty");
  await ada.getByLabel("Series", { exact: true }).fill(series);
  await ada.getByLabel("Cell (optional)", { exact: true }).fill("0001");
  // Raw points: auto may put the three fills, a minute apart, into one bucket.
  await ada.getByLabel("Interval", { exact: true }).selectOption("raw");
  for (let attempt = 0; ; attempt++) {
    await ada.getByRole("button", { name: "Show NAV" }).click();
    await settle(ada);
    if (
      (await ada.getByTestId("nav-chart").count()) > 0 &&
      (await ada.getByTestId("nav-point").textContent()).includes(`after ${fills.length} fills`)
    )
      break;
    if (attempt > 60) throw new Error("the NAV chart never showed the three fills");
    await ada.waitForTimeout(500);
  }
  await ada.getByTestId("nav-chart").focus();
  const last = await ada.getByTestId("nav-point").textContent();
  await ada.keyboard.press("Home");
  const first = await ada.getByTestId("nav-point").textContent();
  await ada.keyboard.press("End");
  const end = await ada.getByTestId("nav-point").textContent();
  if (!first.includes("after 1 fills") || end !== last) throw new Error(`Home and End do not move along the chart: ${first} / ${end}`);
  step("the NAV chart shows the fills; the arrow keys read its points");
  await check(ada, "nav");

  // --- ada finds the fills in the logs, opens one (keyboard) to see where it went, and reads the overview --------
  await go(ada, "Logs");
  await ada.getByLabel("Series", { exact: true }).fill(series);
  await ada.getByLabel("Type", { exact: true }).selectOption("exec.trade_fill");
  for (let attempt = 0; ; attempt++) {
    await ada.getByRole("button", { name: "Search", exact: true }).click();
    await settle(ada);
    if ((await ada.getByRole("cell", { name: "applied", exact: true }).count()) === fills.length) break;
    if (attempt > 60) throw new Error(`the logs never showed the ${fills.length} fills as applied`);
    await ada.waitForTimeout(500);
  }
  step(`the logs list the ${fills.length} fills of ${series}, applied`);
  await check(ada, "logs");
  await ada
    .getByRole("button", { name: /^Details of event/ })
    .first()
    .focus();
  await ada.keyboard.press("Enter");
  await ada.getByText(/^Applied to the NAV/).waitFor();
  step("one fill's detail says where it went (applied to the NAV, counted for usage)");
  await check(ada, "logs-detail");
  await ada.getByLabel("Series", { exact: true }).fill("no-such-series");
  await ada.getByRole("button", { name: "Search", exact: true }).click();
  await ada.getByText("No events match this search.").waitFor();
  await check(ada, "logs-empty");

  await go(ada, "Overview");
  await settle(ada);
  await ada.getByText("Accepted events", { exact: true }).waitFor();
  await ada.getByRole("cell", { name: "exec.trade_fill", exact: true }).waitFor();
  step("the overview counts the accepted fills");
  await check(ada, "overview");

  await go(ada, "Approvals");
  await ada.getByText("Nothing waits for an approval.").waitFor();
  await ada.getByLabel("Series", { exact: true }).fill(series);
  await ada.getByLabel("Reason", { exact: true }).fill("client left");
  await ada.getByRole("button", { name: "Request deletion" }).click();
  await ada.getByText(/Deletion .* requested/).waitFor();
  const own = ada.getByRole("button", { name: /^Approve deletion/ });
  await own.waitFor();
  if (!(await own.isDisabled())) throw new Error("ada's own request can be approved in the console");
  step("ada-admin requested the deletion of series alpha; her own Approve is disabled");
  await check(ada, "approvals-pending");

  const abe = await signIn("abe-approver", project);
  await go(abe, "Approvals");
  await abe.getByRole("button", { name: /^Approve deletion/ }).click();
  await abe.getByText(/is (approved|completed)\./).waitFor();
  step("abe-approver approved it");

  await go(abe, "Audit trail");
  await abe.getByText(/^Intact:/).waitFor();
  await abe.getByRole("cell", { name: "deletion.requested" }).waitFor();
  await abe.getByRole("cell", { name: "deletion.approved" }).first().waitFor();
  await abe.getByRole("cell", { name: "person:ada-admin" }).first().waitFor();
  await abe.getByRole("cell", { name: "person:abe-approver" }).first().waitFor();
  step("the audit trail shows both, and its chain verifies");
  await check(abe, "audit");

  await signOut(abe);
  if ((await abe.evaluate(() => sessionStorage.length)) !== 0) throw new Error("signing out left sessionStorage behind");
  await check(abe, "sign-in");
} finally {
  writeFileSync(join(artifacts, "axe.json"), JSON.stringify(findings, null, 2));
  await browser.close();
}
step(`done; screenshots and axe results in ${artifacts}`);

/** A new browser context (its own cookies and storage) signed in as a development user, in the project when named. */
async function signIn(login, tenant) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`smoke: page error: ${error.message}`));
  await page.goto(base + "/");
  await page.getByRole("button", { name: "Sign in with your identity provider" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any");
  await page.locator('button[type="submit"]').click();
  // The provider's consent page; then it redirects to /callback and the console exchanges the code.
  await page.locator('button[type="submit"]').click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  if (tenant) {
    await page.getByLabel("Project", { exact: true }).fill(tenant);
    await page.getByRole("button", { name: "Switch" }).click();
    await page.getByRole("heading", { name: "NAV", level: 1 }).waitFor();
  }
  step(`signed in as ${login} through the provider (authorization code + PKCE)${tenant ? ` in ${tenant}` : ""}`);
  return page;
}

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in with your identity provider" }).waitFor();
}

async function go(page, name) {
  await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { name, level: 1 }).waitFor();
}

/** Waits until no loading state is on screen. */
async function settle(page) {
  await page.waitForFunction(
    () => !document.querySelector('[role="status"][aria-live="polite"]')?.textContent?.startsWith("Loading"),
    null,
    {
      timeout: 15_000,
    },
  );
}

/** axe-core on the page as it is: no serious or critical violation; a screenshot either way. */
async function check(page, name) {
  await settle(page);
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(async () => {
    // In the page: axe and document are the browser's globals there.
    const { violations } = await axe.run(document, { resultTypes: ["violations"] });
    return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  findings.push({ screen: name, violations: result });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length > 0) throw new Error(`axe on ${name}: ${JSON.stringify(bad, null, 2)}`);
  step(`axe on ${name}: no serious or critical violation (${result.length} minor); screenshot ${name}.png`);
}
