import { tradeFill, type PitEvent } from "../../src/index.js";

/** A valid trade fill of `cell` in `series`; price and quantity vary with `i`. */
export function fill(series: string, cell: string, i: number): PitEvent {
  return tradeFill({
    series,
    cell,
    instrument: "ACME",
    side: i % 3 === 0 ? "sell" : "buy",
    quantity: 1 + (i % 7),
    priceMicros: 10_000_000 + (i % 11) * 250_000,
    currency: "USD",
  });
}

/** Cash a fill moves: a buy pays quantity x price + fee, a sell receives quantity x price - fee. */
export function cashMicros(event: PitEvent): bigint {
  const p = event.payload as { side: string; quantity: number; price_micros: number; fee_micros?: number };
  const amount = BigInt(p.quantity) * BigInt(p.price_micros);
  const fee = BigInt(p.fee_micros ?? 0);
  return p.side === "buy" ? -amount - fee : amount - fee;
}
