/**
 * Who made a decision that a person must make (consent, a held sample):
 * one rule for the CLI, the API and the dashboard's forms.
 *
 * @module
 */

/** The longest name a decision may carry. */
export const MAX_ACTOR_LENGTH = 200;

/** The name a decision is recorded under, or why it cannot be. */
export type ActorName = { ok: true; actor: string } | { ok: false; message: string };

/** Checks the name a person gave: trimmed, not empty, not over {@linkcode MAX_ACTOR_LENGTH}. */
export function actorName(given: string): ActorName {
  const actor = given.trim();
  if (actor !== "" && actor.length <= MAX_ACTOR_LENGTH) return { ok: true, actor };
  return {
    ok: false,
    message: `Who decides must be named (1 to ${MAX_ACTOR_LENGTH} characters), not ${
      JSON.stringify(given.slice(0, 40))
    }`,
  };
}
