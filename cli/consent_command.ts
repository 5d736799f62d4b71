/**
 * `vitrine consent` and `vitrine support`: consent for support logs, and
 * gathering them.
 *
 * @module
 */
import { recordConsent, SUPPORT_PURPOSE } from "../agent/record_consent.ts";
import { latestConsent } from "../store/consent_queries.ts";
import { collectSupportBundle, ConsentRequiredError } from "../support/collect_support_bundle.ts";
import { openDataFromFlags } from "./open_data.ts";
import { DATA_FLAGS, parseFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text of consent. */
export const CONSENT_HELP = `vitrine consent: consent to gather support logs

Usage:
  vitrine consent grant --actor NAME    record that NAME agrees
  vitrine consent revoke --actor NAME   record that NAME withdraws it
  vitrine consent show                  the latest decision

Flags: --data-dir DIR, --managed-config FILE`;

/** Help text of support. */
export const SUPPORT_HELP = `vitrine support collect: gather a support log bundle

Usage: vitrine support collect [--data-dir DIR]

Refused unless consent was granted (vitrine consent grant). The bundle is
written under DATA_DIR/support and never sent anywhere.`;

/** Runs `vitrine consent`. */
export async function consentCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("consent", args, {
    ...DATA_FLAGS,
    actor: { type: "string" },
  }, true);
  const [action] = positionals;
  if (values.help) {
    console.log(CONSENT_HELP);
    return 0;
  }
  if (!["grant", "revoke", "show"].includes(action ?? "") || positionals.length !== 1) {
    throw new UsageError("vitrine consent: expected `grant`, `revoke` or `show`");
  }
  if (action !== "show" && typeof values.actor !== "string") {
    throw new UsageError(
      `vitrine consent ${action}: --actor NAME is required (who decides, up to 200 characters)`,
    );
  }
  const data = await openDataFromFlags(values);
  try {
    if (action === "show") {
      console.log(
        JSON.stringify((await latestConsent(data.store.db, SUPPORT_PURPOSE)) ?? null, null, 2),
      );
      return 0;
    }
    const result = await recordConsent(data.store.db, data.identity, data.policy, {
      granted: action === "grant",
      actor: values.actor as string,
    });
    if (!result.ok) throw new UsageError(`vitrine consent ${action}: --actor: ${result.message}`);
    const { consent } = result;
    console.log(
      `Consent for support logs ${consent.granted ? "granted" : "withdrawn"} by ${consent.actor}.`,
    );
    return 0;
  } finally {
    await data.store.close();
  }
}

/** Runs `vitrine support`. */
export async function supportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("support", args, DATA_FLAGS, true);
  if (values.help) {
    console.log(SUPPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== "collect") {
    throw new UsageError("vitrine support: expected `vitrine support collect`");
  }
  const data = await openDataFromFlags(values);
  try {
    const bundle = await collectSupportBundle(data.store, data.dataDir, data.policy, data.identity);
    console.log(
      `Support bundle written to ${bundle.path} (${bundle.size} bytes, sha256 ${bundle.sha256}).`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConsentRequiredError) {
      console.error(`vitrine support: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await data.store.close();
  }
}
