import { useCallback, useEffect, useState, type ReactNode } from "react";
import { loadConfig, type ConsoleConfig } from "./config";
import { setApiBase } from "./api/client";
import { callbackPath, completeSignIn } from "./auth/pkce";
import {
  chooseTenant,
  currentSession,
  currentTenant,
  principalOf,
  signInWithKey,
  signInWithToken,
  signOut,
  type Session,
} from "./auth/session";
import { Loading, ErrorState } from "./components/States";
import { Button } from "./components/Controls";
import { SignIn } from "./screens/SignIn";
import { Projects } from "./screens/Projects";
import { Keys } from "./screens/Keys";
import { Members } from "./screens/Members";
import { Approvals } from "./screens/Approvals";
import { Audit } from "./screens/Audit";
import { Settings } from "./screens/Settings";
import { Usage } from "./screens/Usage";
import { Nav } from "./screens/Nav";
import { Overview } from "./screens/Overview";
import { Logs } from "./screens/Logs";
import { TenantSwitcher } from "./components/TenantSwitcher";

interface Screen {
  path: string;
  title: string;
  render: (session: Session) => ReactNode;
}

const screens: Screen[] = [
  { path: "/nav", title: "NAV", render: () => <Nav /> },
  { path: "/overview", title: "Overview", render: () => <Overview /> },
  { path: "/logs", title: "Logs", render: () => <Logs /> },
  { path: "/usage", title: "Usage", render: () => <Usage /> },
  { path: "/keys", title: "API keys", render: () => <Keys /> },
  { path: "/members", title: "Members", render: () => <Members /> },
  { path: "/approvals", title: "Approvals", render: (s) => <Approvals principal={principalOf(s)} /> },
  { path: "/audit", title: "Audit trail", render: () => <Audit /> },
  { path: "/settings", title: "Settings", render: () => <Settings /> },
];
const projectsScreen: Screen = { path: "/projects", title: "Projects", render: () => null };

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [session, setSession] = useState<Session | null>(currentSession);
  const [problem, setProblem] = useState("");
  const [path, setPath] = useState(location.pathname);
  const [tenant, setTenant] = useState(currentTenant);

  const go = useCallback((to: string) => {
    history.pushState(null, "", to);
    setPath(to);
  }, []);

  useEffect(() => {
    loadConfig().then(
      (loaded) => {
        setApiBase(loaded.apiBaseUrl);
        setConfig(loaded);
      },
      () => setConfig({}),
    );
    const onPop = () => setPath(location.pathname);
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);

  useEffect(() => {
    if (!config || location.pathname !== callbackPath) return;
    completeSignIn(config).then(
      ({ token, returnTo }) => {
        setSession(signInWithToken(token));
        go(returnTo);
      },
      (e: unknown) => {
        setProblem(e instanceof Error ? e.message : String(e));
        go("/");
      },
    );
  }, [config, go]);

  const openTenant = (id: string | null) => {
    chooseTenant(id);
    setTenant(id);
    if (id) go("/nav");
  };

  if (!config || path === callbackPath) return <Loading what="the console" />;
  if (!session) return <SignIn config={config} onSignedIn={setSession} {...(problem ? { problem } : {})} />;

  const operatorWithoutTenant = session.kind === "person" && session.operator && !tenant;
  const visible = operatorWithoutTenant
    ? [projectsScreen]
    : session.kind === "person" && session.operator
      ? [projectsScreen, ...screens]
      : screens;
  const screen = visible.find((s) => s.path === path) ?? visible[0]!;

  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-300 bg-white px-4 py-2">
        <span className="text-lg font-semibold">PIT console</span>
        <TenantSwitcher session={session} tenant={tenant} onChoose={openTenant} />
        <span className="ml-auto text-sm text-slate-700">{session.kind === "person" ? session.name : `key ${session.prefix}`}</span>
        <Button
          kind="plain"
          onClick={() => {
            signOut();
            setSession(null);
            setTenant(null);
            go("/");
          }}
        >
          Sign out
        </Button>
      </header>
      <div className="flex flex-1">
        <nav aria-label="Screens" className="w-48 border-r border-slate-300 bg-white p-2">
          <ul>
            {visible.map((s) => (
              <li key={s.path}>
                <a
                  href={s.path}
                  aria-current={s === screen ? "page" : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    go(s.path);
                  }}
                  className={`block rounded px-2 py-1 ${s === screen ? "bg-blue-100 font-semibold text-blue-900" : "hover:bg-slate-100"}`}
                >
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main className="flex-1 p-6">
          <h1 className="mb-4 text-2xl font-semibold">{screen.title}</h1>
          {problem && <ErrorState message={problem} />}
          {screen === projectsScreen ? (
            <Projects
              onOpen={openTenant}
              onUseKey={(key) => {
                chooseTenant(null);
                setTenant(null);
                setSession(signInWithKey(key));
                go("/members");
              }}
            />
          ) : (
            <div key={tenant ?? "own"}>{screen.render(session)}</div>
          )}
        </main>
      </div>
    </div>
  );
}
