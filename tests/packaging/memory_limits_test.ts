import { ok } from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };

const UNIT = new URL("../../packaging/vitrine.service", import.meta.url);

// Measured: serving a dashboard export, the agent peaks about 36 MiB above its
// V8 old-space cap (164 MiB at 128), and at 274 MiB with no cap at all.
const ABOVE_CAP_MIB = 96;

Deno.test("the agent's heap cap keeps a dashboard export under the service's MemoryMax", async () => {
  const flags = /--v8-flags=(\S+)/.exec(denoConfig.tasks.start)?.[1] ?? "";
  const cap = /--max-old-space-size=(\d+)/.exec(flags)?.[1];
  ok(cap, `the start task caps the agent's heap (--max-old-space-size): "${flags}"`);
  const unit = await Deno.readTextFile(UNIT);
  const limit = /^MemoryMax=(\d+)M$/m.exec(unit)?.[1];
  ok(limit, "the unit sets MemoryMax in MiB");
  ok(
    Number(cap) + ABOVE_CAP_MIB <= Number(limit),
    `a heap cap of ${cap} MiB leaves less than ${ABOVE_CAP_MIB} MiB under MemoryMax=${limit}M`,
  );
});
