import { useState, type KeyboardEvent } from "react";
import type { Schemas } from "../api/client";
import { formatMicros, formatTime } from "../format/money";

const width = 720;
const height = 260;
const pad = { left: 90, right: 16, top: 16, bottom: 36 };

/**
 * The NAV of one cell over time as an SVG line. Arrow keys (or the pointer) move a marker from point to point and the
 * caption reads that point out, so the chart works without a mouse. Amounts are scaled as integers' ratios only for
 * drawing; the text shows the exact micros.
 */
export function NavChart({ points }: { points: Schemas["NavPoint"][] }) {
  const [selected, setSelected] = useState(points.length - 1);
  if (points.length === 0) return null;
  const times = points.map((p) => Date.parse(p.ts));
  const navs = points.map((p) => p.nav_micros);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const [v0, v1] = [Math.min(...navs), Math.max(...navs)];
  const x = (t: number) => pad.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (v1 === v0 ? 0.5 : 1 - (v - v0) / (v1 - v0)) * (height - pad.top - pad.bottom);
  const line = points.map((p, i) => `${x(times[i]!).toFixed(1)},${y(p.nav_micros).toFixed(1)}`).join(" ");
  const index = Math.min(Math.max(selected, 0), points.length - 1);
  const point = points[index]!;
  const currency = point.currency;

  const onKey = (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: points.length - 1 };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    setSelected(Math.min(Math.max(next, 0), points.length - 1));
  };
  const onPointer = (clientX: number, box: DOMRect) => {
    const at = t0 + ((((clientX - box.left) / box.width) * width - pad.left) / (width - pad.left - pad.right)) * (t1 - t0);
    let nearest = 0;
    times.forEach((t, i) => {
      if (Math.abs(t - at) < Math.abs(times[nearest]! - at)) nearest = i;
    });
    setSelected(nearest);
  };

  return (
    <figure>
      <svg
        role="img"
        tabIndex={0}
        aria-label={`NAV chart, ${points.length} points; use the arrow keys to read each point`}
        viewBox={`0 0 ${width} ${height}`}
        className="w-full max-w-3xl rounded border border-slate-300 bg-white"
        onKeyDown={onKey}
        onPointerMove={(e) => onPointer(e.clientX, e.currentTarget.getBoundingClientRect())}
        data-testid="nav-chart"
      >
        <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} stroke="#64748b" />
        <line x1={pad.left} x2={pad.left} y1={pad.top} y2={height - pad.bottom} stroke="#64748b" />
        <text x={pad.left - 6} y={pad.top + 4} textAnchor="end" fontSize="11" fill="#334155">
          {formatMicros(v1)}
        </text>
        <text x={pad.left - 6} y={height - pad.bottom} textAnchor="end" fontSize="11" fill="#334155">
          {formatMicros(v0)}
        </text>
        <text x={pad.left} y={height - 12} fontSize="11" fill="#334155">
          {formatTime(points[0]!.ts)}
        </text>
        <text x={width - pad.right} y={height - 12} textAnchor="end" fontSize="11" fill="#334155">
          {formatTime(points[points.length - 1]!.ts)}
        </text>
        <polyline points={line} fill="none" stroke="#1d4ed8" strokeWidth="2" />
        <circle cx={x(times[index]!)} cy={y(point.nav_micros)} r="5" fill="#b91c1c" />
      </svg>
      <figcaption aria-live="polite" className="mt-2 text-sm" data-testid="nav-point">
        {formatTime(point.ts)} · cell {point.cell}: NAV {formatMicros(point.nav_micros, currency)} (cash {formatMicros(point.cash_micros)},
        positions {formatMicros(point.positions_value_micros)}) after {point.fills_applied} fills
      </figcaption>
    </figure>
  );
}
