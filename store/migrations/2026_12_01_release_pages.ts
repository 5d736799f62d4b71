// Free pages go back to the disk: incremental auto-vacuum, which SQLite
// can only switch on by rebuilding the file once (VACUUM). A database on a
// full disk cannot be rebuilt now; the agent's storage task tries again.
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const mode = await sql<{ auto_vacuum: number }>`PRAGMA auto_vacuum`.execute(db);
  if (Number(mode.rows[0]?.auto_vacuum) === 2) return;
  await sql`PRAGMA auto_vacuum = INCREMENTAL`.execute(db);
  try {
    await sql`VACUUM`.execute(db);
  } catch {
    // Most likely a full disk: the file stays as it was, and the agent
    // tries again (enableReleasingPages) once there is room.
  }
}
