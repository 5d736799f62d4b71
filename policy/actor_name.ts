/**
 * Who made a decision that a person must make (consent, a held sample):
 * one rule for the CLI, the API and the dashboard's forms.
 *
 * @module
 */

/** The longest name a decision may carry. */
export const MAX_ACTOR_LENGTH = 200;

/**
 * The names the agent records its own decisions under: a person may not
 * take them, or the audit trail would show a person's decision as the
 * agent's.
 */
export const AGENT_ACTOR = "vitrine";
const RESERVED = [AGENT_ACTOR];

/**
 * Characters a name may not hold: control characters (a line break, an
 * escape sequence for the terminal that prints it, NUL), invisible format
 * characters (bidirectional overrides, zero-width ones) and line or
 * paragraph separators.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The name a decision is recorded under, or why it cannot be. */
export type ActorName = { ok: true; actor: string } | { ok: false; message: string };

/** A name quoted for a message, its control characters escaped. */
function quoted(given: string): string {
  return JSON.stringify(given.slice(0, 40)).replace(
    /[\p{Cf}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Checks the name a person gave: trimmed, 1 to {@linkcode MAX_ACTOR_LENGTH}
 * characters, printable, and not a name the agent uses for itself.
 */
export function actorName(given: string): ActorName {
  const actor = given.trim();
  if (actor === "" || actor.length > MAX_ACTOR_LENGTH) {
    return {
      ok: false,
      message: `Who decides must be named (1 to ${MAX_ACTOR_LENGTH} characters), not ${
        quoted(given)
      }`,
    };
  }
  if (UNPRINTABLE.test(actor)) {
    return {
      ok: false,
      message: `The name ${
        quoted(given)
      } holds a control or invisible character (a line break, an escape, NUL, a direction override): give a name of printable characters`,
    };
  }
  const folded = actor.normalize("NFKC").toLowerCase();
  if (RESERVED.includes(folded)) {
    return {
      ok: false,
      message:
        `"${actor}" is the name the agent records its own decisions under: give your own name`,
    };
  }
  return { ok: true, actor };
}
