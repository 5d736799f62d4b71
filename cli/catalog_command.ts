/**
 * `vitrine catalog`: the catalogue as JSON.
 *
 * @module
 */
import { CATALOG, EVENT_TYPES } from "../catalog/catalog.ts";
import { eventSpec } from "../catalog/key_spec.ts";
import { commandFlags } from "./parse_flags.ts";

/** Help text. */
export const CATALOG_HELP = `vitrine catalog: print every event type and field as JSON

Usage: vitrine catalog [--type TYPE]

  --type TYPE   only this event type
  -h, --help    this text`;

/** Prints the catalogue. */
export function catalogCommand(args: string[]): number {
  const flags = commandFlags("catalog", args, CATALOG_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  if (values.type !== undefined) {
    const event = eventSpec(values.type);
    if (!event) {
      console.error(
        `vitrine catalog: no event type "${values.type}"; types are ${EVENT_TYPES.join(", ")}`,
      );
      return 2;
    }
    console.log(
      JSON.stringify(
        { version: CATALOG.version, common: CATALOG.common, events: [event] },
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(JSON.stringify(CATALOG, null, 2));
  return 0;
}
