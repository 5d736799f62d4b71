// Samples ClamAV detected, and what became of each: the agent's working
// state for submission (the records of it are events). The path is kept
// only while the sample may still be submitted.
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE sample (
    id TEXT PRIMARY KEY,
    detected_at INTEGER NOT NULL,
    signature TEXT NOT NULL,
    sha256 TEXT,
    size INTEGER,
    file_type TEXT,
    path TEXT,
    copy TEXT,
    decision TEXT NOT NULL CHECK (decision IN ('submit', 'hold', 'keep', 'defer')),
    findings TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN (
      'queued', 'held', 'approved', 'submitted', 'kept', 'declined', 'expired',
      'withdrawn', 'dropped', 'failed'
    )),
    decided_by TEXT,
    decided_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    destination TEXT,
    submitted_at INTEGER,
    request_id TEXT
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX sample_state ON sample (state, detected_at)`.execute(db);
  await sql`CREATE INDEX sample_detected ON sample (detected_at)`.execute(db);
}
