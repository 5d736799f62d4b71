/**
 * The sending half in a few lines: where to, what waits, what came of it.
 * Shown on the overview and on the Sent page.
 *
 * @module
 */
import type { VNode } from "preact";
import type { UplinkStatus } from "../../uplink/uplink_status.ts";
import { formatCount, formatTime } from "./format.ts";
import { Facts, TierBadge } from "./widgets.tsx";

/** The state of sending, as facts. */
export function UplinkFacts({ uplink }: { uplink: UplinkStatus }): VNode {
  const perTier = (counts: UplinkStatus["dropped"]) =>
    counts.required + counts.optional === 0
      ? "none"
      : `${formatCount(counts.optional)} optional, ${formatCount(counts.required)} required`;
  return (
    <Facts
      rows={[
        [
          "Sending",
          uplink.sending
            ? (
              <span key="on">
                on, to <code>{uplink.endpoint}</code> only
              </span>
            )
            : <span key="off">off: no event leaves this machine</span>,
        ],
        [
          "Waiting in the outbox",
          <span key="depth">
            {formatCount(uplink.depth.required)} <TierBadge tier="required" /> ·{" "}
            {formatCount(uplink.depth.optional)} <TierBadge tier="optional" />
          </span>,
        ],
        ["Last success", formatTime(uplink.lastSuccessAt)],
        [
          "Last error",
          uplink.lastError
            ? (
              <span class="bad">
                {formatTime(uplink.lastError.at)}: {uplink.lastError.message}
              </span>
            )
            : uplink.resolvedError
            ? `none since ${
              formatTime(uplink.resolvedError.at)
            } (${uplink.resolvedError.message}); delivered after it`
            : "none",
        ],
        [
          "Next attempt",
          !uplink.sending
            ? "—"
            : uplink.retryAt === null
            ? "within seconds of the next event"
            : `${formatTime(uplink.retryAt)} (retrying after a failure)`,
        ],
        ["Refused for good (dead-lettered)", formatCount(uplink.deadLettered)],
        ["Rejected by the receiver (partial success)", formatCount(uplink.rejected)],
        ["Unsent: outbox full or too old", perTier(uplink.dropped)],
        ["Unsent: the policy stopped them leaving", perTier(uplink.withdrawn)],
        [
          "Unsent: deleted while waiting (retention, size limit, lowered level)",
          perTier(uplink.deletedWithData),
        ],
      ]}
    />
  );
}
