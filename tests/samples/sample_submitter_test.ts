// The submitter's own rules, on samples put in the database directly:
// expiry, the daily cap, retries with backoff until given up.
import { equal, match, ok } from "node:assert/strict";
import type { Agent } from "../../agent/agent.ts";
import { MAX_SAMPLE_ATTEMPTS, sampleRetryMs } from "../../samples/sample_submitter.ts";
import { listEvents } from "../../store/event_queries.ts";
import { getSample, insertSample, type NewSample } from "../../store/sample_queries.ts";
import { startTestAgent, tempDir } from "../_helpers.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";
import { sampleRow } from "../store/_sample_rows.ts";
import { sha256Hex } from "../../testing/azurite.ts";

const DAY = 24 * 60 * 60 * 1000;

async function put(agent: Agent, changes: Partial<NewSample> & { id: string }) {
  await insertSample(agent.store.db, sampleRow(changes.id, changes.state ?? "queued", changes));
}

async function agentWith(dir: string, samples: Record<string, unknown>) {
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({
      cloudService: { enabled: true, automaticSampleSubmissionConsent: "all", timeout: 1 },
      samples: { detectionLog: `${dir}/none.log`, ...samples },
    }),
  );
  return await startTestAgent({ dataDir: `${dir}/data`, managedFile: managed });
}

Deno.test("a held sample nobody answers within samples.consentExpiryDays expires, with its record", async () => {
  await using dir = await tempDir();
  const agent = await agentWith(dir.path, { consentExpiryDays: 2 });
  try {
    await put(agent, {
      id: "old",
      state: "held",
      decision: "hold",
      detected_at: Date.now() - 3 * DAY,
    });
    await put(agent, {
      id: "young",
      state: "held",
      decision: "hold",
      detected_at: Date.now() - DAY,
    });
    await agent.collectNow("sample_submission");
    equal((await getSample(agent.store.db, "old"))?.state, "expired");
    equal((await getSample(agent.store.db, "young"))?.state, "held");
    const [record] = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "sample_decision",
    });
    equal(record?.parts.required?.decision, "expire");
    equal(record?.parts.required?.actor, "vitrine");
    match(String(record?.parts.required?.reason), /within samples.consentExpiryDays \(2 days\)/);
  } finally {
    await agent.stop();
  }
});

Deno.test("past the daily cap samples wait, and health says why; failed attempts back off, then give up", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const file = `${dir.path}/tool.sh`;
  const content = new TextEncoder().encode("#!/bin/sh\necho tool\n");
  await Deno.writeFile(file, content);
  const sha256 = await sha256Hex(content);
  const agent = await agentWith(dir.path, {
    submissionUri: `${receiver.url}/samples`,
    maxDailyMB: 1,
  });
  try {
    // A megabyte went an hour ago: the window is full.
    await put(agent, {
      id: "earlier",
      state: "submitted",
      size: 1024 * 1024,
      submitted_at: Date.now() - 3_600_000,
    });
    // What the collector keeps: vitrine's copy of the bytes ClamAV confirmed.
    await put(agent, { id: "next", sha256, size: content.length, copy: file });
    await agent.collectNow("sample_submission");
    equal((await getSample(agent.store.db, "next"))?.state, "queued");
    ok(
      agent.status().problems.some((p) => /daily sample cap \(samples.maxDailyMB, 1 MiB\)/.test(p)),
      agent.status().problems.join("\n"),
    );
    equal(receiver.puts.length, 0);

    // The window moves on: the earlier one leaves it. The store refuses: 503 each time.
    await agent.store.db.updateTable("sample").set({ submitted_at: Date.now() - 2 * DAY })
      .where("id", "=", "earlier").execute();
    receiver.behave({ kind: "status", status: 503 });
    for (let attempt = 1; attempt <= MAX_SAMPLE_ATTEMPTS; attempt++) {
      await agent.store.db.updateTable("sample").set({ next_attempt_at: null })
        .where("id", "=", "next").execute();
      await agent.collectNow("sample_submission");
      const sample = await getSample(agent.store.db, "next");
      equal(sample?.attempts, attempt);
      if (attempt < MAX_SAMPLE_ATTEMPTS) {
        equal(sample?.state, "queued");
        const wait = sample!.next_attempt_at! - Date.now();
        ok(wait > sampleRetryMs(attempt) - 5000 && wait <= sampleRetryMs(attempt), `${wait} ms`);
      } else {
        equal(sample?.state, "failed");
        match(sample?.reason ?? "", /Given up after 6 failed attempts: .* answered 503/);
      }
    }
    const failures = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "sample_submission_failed",
    });
    equal(failures.length, MAX_SAMPLE_ATTEMPTS);
    equal(failures[0]?.parts.required?.retry_at, null, "the last one says no retry follows");
    equal(failures[0]?.parts.required?.status, 503);
    ok(sampleRetryMs(1) < sampleRetryMs(2) && sampleRetryMs(30) === 60 * 60 * 1000);
  } finally {
    await agent.stop();
  }
});
