import { useEffect, useRef, useState } from "react";

export type Load<T> = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; data: T };

/**
 * Runs load() on mount and whenever deps (compared by value) change; reload() runs it again. While a newer load runs
 * the state is loading, and an older answer arriving late is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Load<T>, () => void] {
  const [round, setRound] = useState(0);
  const key = JSON.stringify([deps, round]);
  const [result, setResult] = useState<{ key: string; load: Load<T> } | null>(null);
  const latest = useRef(load);
  useEffect(() => {
    latest.current = load;
  });
  useEffect(() => {
    let current = true;
    latest.current().then(
      (data) => {
        if (current) setResult({ key, load: { state: "ready", data } });
      },
      (error: unknown) => {
        if (current) setResult({ key, load: { state: "error", message: error instanceof Error ? error.message : String(error) } });
      },
    );
    return () => {
      current = false;
    };
  }, [key]);
  return [result?.key === key ? result.load : { state: "loading" }, () => setRound((r) => r + 1)];
}
