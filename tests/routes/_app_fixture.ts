// A web app over a temporary store, for route tests without a server.
import { deleteDiagnosticData } from "../../record/delete_diagnostic_data.ts";
import { deleteSupportBundles, supportBundleFiles } from "../../support/collect_support_bundle.ts";
import type { Hono } from "hono";
import { changePreference } from "../../policy/change_preference.ts";
import { currentPolicy } from "../../policy/current_policy.ts";
import { recordConsent } from "../../record/record_consent.ts";
import { decideHeldSample } from "../../samples/decide_held_sample.ts";
import { recordEvents } from "../../record/record_events.ts";
import { loadIdentity } from "../../identity/identity.ts";
import type { Policy } from "../../policy/policy.ts";
import { createApp } from "../../routes/app.ts";
import { setPreference } from "../../store/meta_queries.ts";
import { openStore, type Store } from "../../store/open_store.ts";
import { collectSystem } from "../../collectors/collect_system.ts";

/** Token used by the fixture. */
export const TOKEN = "a".repeat(64);
/** Host of the fixture. */
export const HOST = "127.0.0.1:7878";

/** The fixture. */
export interface AppFixture {
  app: Hono;
  store: Store;
  policy: { current: Policy };
  preferences: Map<string, unknown>;
  consents: { granted: boolean; actor: string }[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** Builds the app over a store holding a few real events. */
export async function appFixture(level: "required" | "optional" = "optional"): Promise<AppFixture> {
  const dir = await Deno.makeTempDir({ prefix: "vitrine-routes-" });
  const store = await openStore(`${dir}/vitrine.db`);
  const preferences = new Map<string, unknown>([["cloudService.diagnosticLevel", level]]);
  await setPreference(store.db, "cloudService.diagnosticLevel", level);
  const policy = { current: await currentPolicy(store.db, `${dir}/managed.json`) };
  const identity = await loadIdentity(store.db, policy.current);
  const system = collectSystem(["required", "optional"]);
  const now = Date.now();
  await recordEvents(store.db, identity, policy.current, [
    { type: "system_statistics", fields: system, time: now - 3000 },
    {
      type: "install",
      fields: {
        correlation_id: "c1",
        version: "0.1.0",
        severity: "Informational",
        code: "install",
        text: "set up",
      },
      time: 1_763_800_001_000,
    },
    { type: "system_statistics", fields: system, time: now - 1000 },
  ]);
  const consents: AppFixture["consents"] = [];
  const app = createApp({
    store,
    dataDir: dir,
    policy: () => policy.current,
    identity: () => identity,
    status: () => undefined,
    token: TOKEN,
    allowedHosts: [HOST, "localhost:7878"],
    // The rules the agent applies, with the policy re-read as the agent does.
    changePreference: async (key, value) => {
      const change = await changePreference(store.db, policy.current, key, value);
      if (change.ok) {
        if (value === undefined) preferences.delete(key);
        else preferences.set(key, value);
        policy.current = await currentPolicy(store.db, `${dir}/managed.json`);
      }
      return change;
    },
    recordConsent: async (granted, actor) => {
      const result = await recordConsent(
        store.db,
        identity,
        policy.current,
        { granted, actor },
        () => deleteSupportBundles(dir),
      );
      if (result.ok) consents.push({ granted, actor: result.consent.actor });
      return result;
    },
    decideHeldSample: (decision) => decideHeldSample(store.db, identity, policy.current, decision),
    deleteDiagnosticData: (actor) =>
      deleteDiagnosticData(store.db, identity, policy.current, {
        actor,
        bundles: () => supportBundleFiles(dir),
      }),
  });
  return {
    app,
    store,
    policy,
    preferences,
    consents,
    async [Symbol.asyncDispose]() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A request as a browser on this machine would make it. */
export function local(path: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (!headers.has("host")) headers.set("host", HOST);
  return new Request(`http://${HOST}${path}`, { ...init, headers });
}
