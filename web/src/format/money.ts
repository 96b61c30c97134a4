// Amounts travel as integer micros; they become decimals only here, for display, with integer arithmetic (no floats).

/** 12_345_678 micros -> "12.345678" (sign kept, trailing zeros trimmed to at least 2 decimals). */
export function formatMicros(micros: number | bigint, currency?: string): string {
  const value = BigInt(micros);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = (magnitude / 1_000_000n).toLocaleString("en-US");
  let fraction = (magnitude % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}${currency ? ` ${currency}` : ""}`;
}

export function formatTime(iso: string | undefined): string {
  return iso
    ? new Date(iso)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z")
    : "";
}
