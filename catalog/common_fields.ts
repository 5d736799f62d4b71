/**
 * The ten common fields every event carries.
 *
 * @module
 */
import { seedField } from "./_field_builders.ts";
import type { FieldSpec } from "./types.ts";

/** The common fields, in the order the privacy pages list them. */
export const COMMON_FIELDS: readonly FieldSpec[] = [
  seedField(
    "platform",
    "required",
    "string",
    "Operating-system family the agent runs on; always `linux` for vitrine.",
  ),
  seedField(
    "machine_guid",
    "required",
    "string",
    "Stable device identifier: an HMAC-SHA-256 of /etc/machine-id under a product key, so the raw machine id never leaves the agent.",
    {
      nullable: "The machine has no readable machine id; the agent reports a health problem.",
    },
  ),
  seedField(
    "sense_guid",
    "required",
    "string",
    "Random identifier minted the first time this installation starts and kept in its database.",
  ),
  seedField(
    "org_id",
    "required",
    "string",
    "Identifier of the organisation that manages the device, taken from the policy.",
    { nullable: "No organisation is set in the policy." },
  ),
  seedField(
    "hostname",
    "required",
    "string",
    "The device's host name as the kernel reports it, cut at the first dot so no DNS domain is included.",
  ),
  seedField(
    "product_guid",
    "required",
    "string",
    "Fixed identifier of the vitrine product, the same on every installation.",
  ),
  seedField(
    "app_version",
    "required",
    "string",
    "Version of the vitrine agent that recorded the event.",
  ),
  seedField(
    "sig_version",
    "required",
    "string",
    "Version of the security intelligence in use: the version of ClamAV's daily signature database (from its header in securityIntelligence.databaseDirectory), as text.",
    {
      nullable:
        "No readable ClamAV daily database is installed; vitrine itself ships no signatures.",
    },
  ),
  seedField(
    "supported_compressions",
    "required",
    "string[]",
    "Compression formats this agent's runtime can actually produce, probed at start.",
  ),
  seedField(
    "release_ring",
    "required",
    "string",
    "Release channel the device follows, from the policy (`production` unless set).",
  ),
];
