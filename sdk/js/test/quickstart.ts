// The README's quickstart, run by test/integration/quickstart.test.ts against the local host. The README quotes the
// lines between the markers exactly (the test checks it); change both together.
import { PitClient, tradeFill, type PitEventStatus } from "../src/index.js";

export async function quickstart(baseUrl: string, apiKey: string): Promise<PitEventStatus | undefined> {
  // quickstart:begin
  const client = new PitClient({ baseUrl, apiKey }); // the key comes from configuration, never from code

  // Awaited, with a result per event (money is integer micros: 12.50 USD is 12_500_000):
  const sent = await client.send([
    tradeFill({ series: "alpha", cell: "0001", instrument: "ACME", side: "buy", quantity: 100, priceMicros: 12_500_000, currency: "USD" }),
  ]);
  for (const result of sent.results) console.log(`${result.eventId}: ${result.status}`);

  // Fire and forget: queued, batched and retried in the background; never blocks, never throws.
  client.track(
    tradeFill({ series: "alpha", cell: "0001", instrument: "ACME", side: "sell", quantity: 40, priceMicros: 13_000_000, currency: "USD" }),
    (result) => {
      if (result.status === "rejected" || result.status === "dropped") console.warn(`not stored: ${result.error?.code ?? ""}`);
    },
  );

  await client.close(); // delivers what is queued; always await it before the process ends
  // quickstart:end
  return sent.results[0]?.status;
}
