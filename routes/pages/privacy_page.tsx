/**
 * The privacy controls: change what may be changed, see what is managed,
 * and know the effect of a change before it is applied.
 *
 * @module
 */
import type { VNode } from "preact";
import type { Policy } from "../../policy/policy.ts";
import type { SettingKey } from "../../policy/settings_spec.ts";
import type { Consent } from "../../store/consent_queries.ts";
import { formatCount, formatTime } from "./format.ts";
import { Layout } from "./layout.tsx";
import { DataTable, DecisionForm, LockIcon } from "./widgets.tsx";
import { MAX_ACTOR_LENGTH } from "../../policy/actor_name.ts";

/** What the privacy page shows. */
export interface PrivacyPageData {
  policy: Policy;
  optionalRecords: number;
  consent: Consent | undefined;
  /** What deleting this machine's data would take away, and whether it may. */
  deletion: DeletionFacts;
}

/** What the deletion card says. */
export interface DeletionFacts {
  records: number;
  waiting: number;
  samples: number;
  bundles: number;
  /** Null when a person may delete; else who turned it off, in words. */
  refusal: string | null;
  /** The last deletion, and whether the backend still has to be told of it. */
  lastAt: number | null;
  backendWaits: boolean;
}

interface Choice {
  value: string;
  label: string;
  effect: string;
}

function Setting(
  props: { policy: Policy; settingKey: SettingKey; title: string; help: string; choices: Choice[] },
): VNode {
  const source = props.policy.source(props.settingKey);
  const current = JSON.stringify(props.policy.get(props.settingKey));
  const locked = source === "managed" || source === "fail_closed";
  const id = props.settingKey.replace(/\W/g, "-");
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{props.title}</h2>
      <p class="muted">{props.help}</p>
      {locked && (
        <p class="locked" role="note">
          <LockIcon /> {source === "managed"
            ? `Managed by ${props.policy.managedFile}; it cannot be changed here.`
            : `Held at its most private value until ${props.policy.managedFile} is fixed.`}
        </p>
      )}
      <form data-setting={props.settingKey} aria-label={props.title}>
        <fieldset disabled={locked}>
          <legend class="sr-only">{props.title}</legend>
          {props.choices.map((choice) => (
            <label key={choice.value} class="choice">
              <input
                type="radio"
                name="value"
                value={choice.value}
                checked={JSON.stringify(
                  choice.value === "true" ? true : choice.value === "false" ? false : choice.value,
                ) === current}
                data-effect={choice.effect}
              />
              <span>
                <strong>{choice.label}</strong>
                <span class="muted">{choice.effect}</span>
              </span>
            </label>
          ))}
          <button type="submit">Apply</button>
          <output class="result" aria-live="polite"></output>
        </fieldset>
      </form>
      <p class="muted">Source: {source}</p>
    </section>
  );
}

function InvalidPolicyAlert({ policy }: { policy: Policy }): VNode | null {
  if (policy.managedState !== "invalid") return null;
  return (
    <div class="alert" role="alert">
      <strong>
        The managed file is invalid; vitrine holds the required level until it is fixed.
      </strong>
      <ul>{policy.problems.map((p) => <li key={p.message}>{p.message}</li>)}</ul>
    </div>
  );
}

function LevelSetting(
  { policy, optionalRecords }: { policy: Policy; optionalRecords: number },
): VNode {
  return (
    <Setting
      policy={policy}
      settingKey="cloudService.diagnosticLevel"
      title="Diagnostic level"
      help="The highest tier collected, stored, shown and exported on this machine."
      choices={[
        {
          value: "required",
          label: "Required",
          effect: policy.level === "optional"
            ? `Lowering to required deletes ${
              formatCount(optionalRecords)
            } stored optional records at once and stops collecting optional fields.`
            : "Only the minimum needed to keep the agent working is collected.",
        },
        {
          value: "optional",
          label: "Optional",
          effect: policy.level === "required"
            ? "Raising to optional collects optional fields from now on; nothing deleted earlier comes back."
            : `Optional fields are collected; ${
              formatCount(optionalRecords)
            } optional records are stored now.`,
        },
      ]}
    />
  );
}

function SampleSetting({ policy }: { policy: Policy }): VNode {
  return (
    <Setting
      policy={policy}
      settingKey="cloudService.automaticSampleSubmissionConsent"
      title="Automatic sample submission"
      help="Which files ClamAV flags go to the organisation's sample store (samples.submissionUri), decided from each file's content. The Samples page lists them and those waiting for consent."
      choices={[
        {
          value: "none",
          label: "None",
          effect: "No sample is ever submitted; detections are still recorded.",
        },
        {
          value: "safe",
          label: "Safe",
          effect:
            "Program code whose content shows no personal data is submitted; anything else waits for a person's consent.",
        },
        {
          value: "all",
          label: "All",
          effect: "Every flagged file, documents and images included, is submitted.",
        },
      ]}
    />
  );
}

function CloudSetting({ policy }: { policy: Policy }): VNode {
  return (
    <Setting
      policy={policy}
      settingKey="cloudService.enabled"
      title="Cloud service"
      help={`Whether events are sent to the organisation's endpoint (cloudService.serviceUri, now ${
        policy.get("cloudService.serviceUri") ?? "not set"
      }) over OTLP/HTTP.`}
      choices={[
        {
          value: "false",
          label: "Off",
          effect: "Nothing leaves this machine; whatever waited to be sent is dropped at once.",
        },
        {
          value: "true",
          label: "On",
          effect:
            "Events recorded from now on are sent to the endpoint with the fields the diagnostic level allows when they go; nothing recorded before is sent.",
        },
      ]}
    />
  );
}

function ConsentCard({ consent }: { consent: Consent | undefined }): VNode {
  return (
    <section class="card" aria-labelledby="consent-title">
      <h2 id="consent-title">Support logs</h2>
      <p class="muted">
        Support logs are gathered only with consent, recorded with who gave it and when.
      </p>
      <p>
        {consent
          ? `${consent.granted ? "Granted" : "Withdrawn"} by ${consent.actor} on ${
            formatTime(consent.time)
          }.`
          : "Consent has never been given."}
      </p>
      <DecisionForm
        data={{ "data-consent": "support_logs" }}
        label="Consent for support logs"
        allow={["grant", "Grant consent"]}
        refuse={["revoke", "Withdraw consent"]}
      />
    </section>
  );
}

function DeletionCard({ facts }: { facts: DeletionFacts }): VNode {
  const effect =
    `${facts.records} stored records, ${facts.waiting} waiting to be sent, ${facts.samples} held or waiting samples and ${facts.bundles} support bundles are deleted from this machine; only a record of the deletion stays, and the organisation's backend is asked to delete its copy. This cannot be undone.`;
  return (
    <section class="card" aria-labelledby="deletion-title">
      <h2 id="deletion-title">Delete my diagnostic data</h2>
      <p class="muted">
        Deletes what vitrine holds about this machine, here and at the organisation's backend.
      </p>
      <p>{effect.replace(" This cannot be undone.", "")}</p>
      {facts.lastAt !== null && (
        <p>
          Last deleted on {formatTime(facts.lastAt)}
          {facts.backendWaits
            ? "; the backend is told the next time sending is on."
            : "; the backend was told."}
        </p>
      )}
      {facts.refusal
        ? (
          <p class="notice">
            <LockIcon /> {facts.refusal}.
          </p>
        )
        : (
          <form data-deletion="all" data-effect={effect} aria-label="Delete my diagnostic data">
            <label class="field">
              Your name
              <input
                type="text"
                name="actor"
                required
                maxLength={MAX_ACTOR_LENGTH}
                autoComplete="name"
              />
            </label>
            <button type="submit" class="danger">Delete my diagnostic data</button>
            <output class="result" aria-live="polite"></output>
          </form>
        )}
    </section>
  );
}

function SettingsTable({ policy }: { policy: Policy }): VNode {
  return (
    <DataTable
      caption="Each setting, its value and where the value comes from"
      headers={["Setting", "Value", "Source"]}
    >
      {policy.entries().map(({ key, value, source }) => (
        <tr key={key}>
          <td>
            <code>{key}</code>
          </td>
          <td>
            <code>{JSON.stringify(value)}</code>
          </td>
          <td class={`source source-${source}`}>
            {source === "managed"
              ? (
                <>
                  <LockIcon /> managed
                </>
              )
              : source}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function ConfirmDialog(): VNode {
  return (
    <dialog id="confirm-change" aria-labelledby="confirm-title" aria-describedby="confirm-effect">
      <h2 id="confirm-title">Apply this change?</h2>
      <p id="confirm-effect"></p>
      <form method="dialog" class="dialog-actions">
        <button type="submit" value="apply">Apply</button>{" "}
        <button type="submit" value="cancel" class="secondary" autoFocus>Cancel</button>
      </form>
    </dialog>
  );
}

/** Renders the Privacy page. */
export function PrivacyPage(
  { policy, optionalRecords, consent, deletion }: PrivacyPageData,
): VNode {
  return (
    <Layout title="Privacy" active="/privacy" islands={["privacy_island"]}>
      <InvalidPolicyAlert policy={policy} />
      <noscript>
        <p class="notice">
          Changing settings here needs JavaScript. Without it, use{" "}
          <code>vitrine config set KEY VALUE</code>.
        </p>
      </noscript>
      <div class="grid">
        <LevelSetting policy={policy} optionalRecords={optionalRecords} />
        <SampleSetting policy={policy} />
        <CloudSetting policy={policy} />
        <ConsentCard consent={consent} />
        <DeletionCard facts={deletion} />
      </div>
      <h2>Every setting in effect</h2>
      <SettingsTable policy={policy} />
      <ConfirmDialog />
    </Layout>
  );
}
