import type { RawEventOf } from "../../catalog/raw_event.ts";
import { equal, match } from "node:assert/strict";
import { currentPolicy } from "../../policy/current_policy.ts";
import type { Policy } from "../../policy/policy.ts";
import type { SettingKey } from "../../policy/settings_spec.ts";
import { SampleCollector } from "../../samples/sample_collector.ts";
import { openStore } from "../../store/open_store.ts";
import { listSamples } from "../../store/sample_queries.ts";
import { writeHashDatabase } from "../../testing/clamav.ts";
import { requires } from "../../testing/requires.ts";
import { tempDir } from "../_helpers.ts";

/** The policy of `dir`'s store with `settings` on top, in managed state `state`. */
async function policyOf(
  store: Awaited<ReturnType<typeof openStore>>,
  dir: string,
  settings: Partial<Record<SettingKey, unknown>>,
  state: Policy["managedState"],
): Promise<Policy> {
  const base = await currentPolicy(store.db, `${dir}/none.json`);
  return Object.assign(Object.create(base), {
    managedState: state,
    get: (key: SettingKey) => key in settings ? settings[key] : base.get(key),
  }) as Policy;
}

Deno.test({
  ...requires("clamscan"),
  name: "a detection while the policy fails closed is deferred, never kept for good",
  fn: async () => {
    await using dir = await tempDir();
    const store = await openStore(`${dir.path}/vitrine.db`);
    try {
      const log = `${dir.path}/clamd.log`;
      const file = `${dir.path}/tool.sh`;
      await Deno.writeTextFile(file, "#!/bin/sh\necho tool\n");
      await writeHashDatabase(`${dir.path}/db`, [file], "Test.Sig");
      const clamav = {
        "securityIntelligence.databaseDirectory": `${dir.path}/db`,
        "samples.clamdSocket": null,
      };
      const collector = new SampleCollector(store.db, dir.path);
      const failingClosed = await policyOf(store, dir.path, {
        "samples.detectionLog": log,
        "cloudService.automaticSampleSubmissionConsent": "none",
        ...clamav,
      }, "invalid");
      // The log appears after the first look: it is read from its start.
      await collector.collect(failingClosed);
      await Deno.writeTextFile(log, `${file}: Test.Sig-0.UNOFFICIAL FOUND\n`);
      const [detection] = await collector.collect(failingClosed) as RawEventOf<
        "sample_detection"
      >[];
      equal(detection?.fields.decision, "defer");
      match(String(detection?.fields.reason), /decision waits until it can/);
      const [sample] = await listSamples(store.db, { limit: 1 });
      equal(sample?.state, "queued", "decided by the submitter under a policy that can be read");
      equal(sample?.path, file);

      // A valid policy at none keeps the next detection here for good.
      const valid = await policyOf(store, dir.path, {
        "samples.detectionLog": log,
        "cloudService.automaticSampleSubmissionConsent": "none",
        ...clamav,
      }, "valid");
      await Deno.writeTextFile(log, `${file}: Test.Sig-0.UNOFFICIAL FOUND\n`, { append: true });
      const [kept] = await collector.collect(valid) as RawEventOf<"sample_detection">[];
      equal(kept?.fields.decision, "keep");
    } finally {
      await store.close();
    }
  },
});
