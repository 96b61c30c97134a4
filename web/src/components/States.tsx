import type { ReactNode } from "react";
import type { Load } from "../api/useLoad";

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="py-6 text-slate-600">
      Loading {what}…
    </p>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="my-4 rounded border border-red-300 bg-red-50 p-3 text-red-900">
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-2 rounded border border-red-400 px-2 py-1 text-sm">
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded border border-dashed border-slate-300 p-6 text-center text-slate-600">{children}</p>;
}

/** Loading and error states of a load; children render the data (and its own empty state). */
export function Loaded<T>({
  load,
  what,
  retry,
  children,
}: {
  load: Load<T>;
  what: string;
  retry: () => void;
  children: (data: T) => ReactNode;
}) {
  if (load.state === "loading") return <Loading what={what} />;
  if (load.state === "error") return <ErrorState message={load.message} onRetry={retry} />;
  return <>{children(load.data)}</>;
}
