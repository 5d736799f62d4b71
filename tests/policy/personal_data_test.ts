import { deepEqual, ok } from "node:assert/strict";
import { findPersonalData, findPersonalDataInTurns } from "../../policy/personal_data.ts";

const FACTS = { userNames: ["jdoe"], homes: ["/home/jdoe"] };

Deno.test("searched in turns, a large text gives the counts of the whole, whatever falls on a batch edge", async () => {
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    lines.push(
      i % 997 === 0
        ? `owner jdoe <jane.doe${i}@example.org> card 4111 1111 1111 1111 in /home/jdoe/x`
        : `line ${i} of nothing personal, padded to a realistic length for a log file`,
    );
  }
  // Long enough for a dozen batches, so that lines straddle their edges.
  const text = new TextEncoder().encode(lines.join("\n"));
  ok(text.length > 2_500_000);
  const whole = findPersonalData(text, FACTS);
  deepEqual(await findPersonalDataInTurns(text, FACTS), whole);
  deepEqual(whole.map((f) => f.kind), [
    "e-mail address",
    "user name of this machine",
    "home path of this machine",
    "card-like number",
  ]);
  // The user name counts twice a line: alone, and in the home path.
  deepEqual(whole.map((f) => f.count), [41, 82, 41, 41]);
});

Deno.test("searching in turns lets other work run between batches", async () => {
  const text = new TextEncoder().encode("a harmless line of text\n".repeat(200_000));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  try {
    await findPersonalDataInTurns(text, FACTS);
  } finally {
    clearInterval(timer);
  }
  ok(ticks > 3, `the event loop turned ${ticks} times during the search`);
});
