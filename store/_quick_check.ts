/**
 * SQLite's quick check, as every integrity check of vitrine runs it: on
 * the agent's connection at start, on an export's snapshot, or on a
 * thread of its own (`integrity_aside.ts`).
 *
 * @module
 */

/** The statement: at most 20 problems are listed. */
export const QUICK_CHECK_SQL = "PRAGMA quick_check(20)";

/** The problems among the check's answers: none when it said only "ok". */
export function quickCheckProblems(answers: readonly string[]): string[] {
  return answers.length === 1 && answers[0] === "ok" ? [] : [...answers];
}
