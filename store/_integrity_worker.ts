/**
 * The worker that runs the quick check of a database file, read-only, on
 * a thread of its own. It answers one request and is then terminated.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { QUICK_CHECK_SQL, quickCheckProblems } from "./_quick_check.ts";

/** What the worker answers: the problems found, or why it could not look. */
export type IntegrityAnswer = { problems: string[] } | { error: string };

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<string>) => void) | null;
  postMessage(answer: IntegrityAnswer): void;
};

scope.onmessage = (event) => {
  let answer: IntegrityAnswer;
  try {
    const db = new DatabaseSync(event.data, { readOnly: true });
    try {
      const rows = db.prepare(QUICK_CHECK_SQL).all() as Record<string, unknown>[];
      answer = { problems: quickCheckProblems(rows.map((row) => String(Object.values(row)[0]))) };
    } finally {
      db.close();
    }
  } catch (error) {
    answer = { error: (error as Error).message };
  }
  scope.postMessage(answer);
};
