/**
 * Splits an event's fields into the parts of each tier.
 *
 * @module
 */
import { keySpec } from "./key_spec.ts";
import type { Tier } from "./types.ts";
import type { Fields } from "./validate_event.ts";

/** An event's fields, one part per tier; a tier with nothing is absent. */
export type TierParts = Partial<Record<Tier, Fields>>;

/**
 * Splits `fields` of an event of type `type` by the tier of each field.
 * Members of array groups are split item by item. Keys the catalogue does
 * not know are dropped (validation reports them before this is reached).
 */
export function splitByTier(type: string, fields: Fields): TierParts {
  const parts: TierParts = {};
  const put = (tier: Tier, key: string, value: unknown) => {
    (parts[tier] ??= {})[key] = value;
  };
  for (const [key, value] of Object.entries(fields)) {
    const spec = keySpec(type, key);
    if (spec === undefined) continue;
    if (spec.kind === "field") {
      put(spec.spec.tier, key, value);
      continue;
    }
    const items: Partial<Record<Tier, Fields[]>> = {};
    for (const item of Array.isArray(value) ? value : []) {
      const split: Partial<Record<Tier, Fields>> = {};
      for (const [member, memberValue] of Object.entries(item as Fields)) {
        const tier = spec.members.get(member)?.tier;
        if (tier) (split[tier] ??= {})[member] = memberValue;
      }
      for (const [tier, part] of Object.entries(split) as [Tier, Fields][]) {
        (items[tier] ??= []).push(part);
      }
    }
    for (const [tier, list] of Object.entries(items) as [Tier, Fields[]][]) {
      put(tier, key, list);
    }
  }
  return parts;
}
