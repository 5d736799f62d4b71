import { deepEqual, equal } from "node:assert/strict";
import { CollectorSet } from "../../agent/collector_set.ts";
import { Scheduler } from "../../agent/scheduler.ts";
import type { RawEvent } from "../../catalog/raw_event.ts";
import type { Collector, IntervalSetting } from "../../collectors/collector.ts";
import type { Policy } from "../../policy/policy.ts";
import { combinePolicy } from "../../policy/combine_policy.ts";

function policyWith(systemInterval: number, level: string): Policy {
  return combinePolicy(
    "/etc/vitrine/managed.json",
    {
      state: "valid",
      values: new Map<string, unknown>([
        ["collection.systemInterval", systemInterval],
        ["collection.fileActivityInterval", systemInterval],
        ["cloudService.diagnosticLevel", level],
      ]),
      problems: [],
    },
    new Map(),
  );
}

class FakeCollector implements Collector {
  readonly immediate = false;
  applied: string[] = [];
  collectedAt: string[] = [];
  stopped = false;
  constructor(readonly name: string, readonly interval: IntervalSetting) {}
  apply(policy: Policy): Promise<void> {
    this.applied.push(policy.level);
    return Promise.resolve();
  }
  collect(policy: Policy): Promise<RawEvent[]> {
    this.collectedAt.push(policy.level);
    return Promise.resolve([]);
  }
  problems(): string[] {
    return [`${this.name} is a fake`];
  }
  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

Deno.test("a new policy moves each collector's interval, except one set on the command line", async () => {
  const scheduler = new Scheduler();
  const system = new FakeCollector("system", "collection.systemInterval");
  const files = new FakeCollector("file-activity", "collection.fileActivityInterval");
  const set = new CollectorSet([system, files], scheduler, { "file-activity": 7 });
  let policy = policyWith(60, "required");
  try {
    await set.apply(policy);
    set.schedule(() => policy, () => Promise.resolve(0));
    policy = policyWith(30, "optional");
    await set.apply(policy);
    const intervals = Object.fromEntries(
      scheduler.status().map((task) => [task.name, task.intervalMs]),
    );
    deepEqual(intervals, { system: 30_000, "file-activity": 7_000 });
    deepEqual(system.applied, ["required", "optional"]);
    await scheduler.runNow("system");
    deepEqual(system.collectedAt, ["optional"], "a run reads under the policy in effect then");
    deepEqual(set.problems(), ["system is a fake", "file-activity is a fake"]);
  } finally {
    await scheduler.stop();
    await set.stop();
  }
  equal(system.stopped && files.stopped, true);
});
