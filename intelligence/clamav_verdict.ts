/**
 * ClamAV's own verdict on bytes vitrine holds: a log line says that a
 * signature matched a file, but a log is text that anyone who can name a
 * file can forge (ClamAV writes names with their line breaks). Before
 * vitrine keeps or sends anything of a file, ClamAV scans the very bytes
 * vitrine read, and only a match of the signature the log named counts.
 *
 * clamd is asked over its local socket (INSTREAM: the bytes themselves,
 * never a path); where clamd does not answer, clamscan scans them on its
 * standard input with the configured databases.
 *
 * @module
 */

/** ClamAV's own grammar for a signature name: "Win.Test.EICAR_HDB-1", "Eicar-Signature". */
export const SIGNATURE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,254}$/;

/** What ClamAV said of the bytes. */
export type ClamavVerdict =
  | { kind: "confirmed"; signature: string; by: "clamd" | "clamscan" }
  | { kind: "clean"; by: "clamd" | "clamscan" }
  | { kind: "other"; found: string[]; by: "clamd" | "clamscan" }
  | { kind: "unavailable"; why: string };

/** Where to ask. */
export interface VerdictSource {
  /** clamd's local socket (clamd.conf's LocalSocket), or null not to ask clamd. */
  clamdSocket: string | null;
  /** The databases clamscan loads when clamd does not answer. */
  databaseDirectory: string;
  /** The longest a verdict may take (clamscan loads every database first). */
  timeoutMs: number;
}

const FOUND = /(?:^|\n|\0)[^\n\0]*?: ([^\s()]+)(?:\([0-9a-f]{32,64}:\d+\))? FOUND/g;

/** The signature names in a clamd or clamscan answer. */
export function signaturesIn(answer: string): string[] {
  return [...answer.matchAll(FOUND)].map((match) => match[1]!).filter((name) =>
    SIGNATURE_NAME.test(name)
  );
}

function verdictOf(
  answer: string,
  signature: string,
  by: "clamd" | "clamscan",
): ClamavVerdict {
  const found = signaturesIn(answer);
  if (found.includes(signature)) return { kind: "confirmed", signature, by };
  return found.length === 0 ? { kind: "clean", by } : { kind: "other", found, by };
}

/** Bytes per INSTREAM chunk (clamd takes chunks of any size below its StreamMaxLength). */
const CHUNK = 1024 * 1024;

/** Asks clamd over its socket; null when no clamd answers there. */
async function askClamd(
  socket: string,
  bytes: Uint8Array,
  timeoutMs: number,
): Promise<string | null> {
  let connection: Deno.UnixConn;
  try {
    // A local Unix socket: the bytes go to clamd on this machine, nowhere else.
    connection = await Deno.connect({ transport: "unix", path: socket });
  } catch {
    return null;
  }
  const timer = setTimeout(() => connection.close(), timeoutMs);
  try {
    const writer = connection.writable.getWriter();
    await writer.write(new TextEncoder().encode("zINSTREAM\0"));
    for (let offset = 0; offset < bytes.length; offset += CHUNK) {
      const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK));
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, chunk.length);
      await writer.write(length);
      await writer.write(chunk);
    }
    await writer.write(new Uint8Array(4));
    writer.releaseLock();
    let answer = "";
    const decoder = new TextDecoder();
    for await (const part of connection.readable) {
      answer += decoder.decode(part, { stream: true });
      if (answer.includes("\0") || answer.length > 65536) break;
    }
    return answer;
  } catch (error) {
    return `ERROR ${(error as Error).name}`;
  } finally {
    clearTimeout(timer);
    try {
      connection.close();
    } catch { /* closed by the timer */ }
  }
}

/**
 * Debian's clamscan, named by its full path: the agent may run this one
 * program (`--allow-run=/usr/bin/clamscan` in its tasks), and never one a
 * changed PATH would find first.
 */
export const CLAMSCAN = "/usr/bin/clamscan";

/** Asks clamscan, with `databaseDirectory`, about `bytes` on its standard input. */
async function askClamscan(
  bytes: Uint8Array,
  databaseDirectory: string,
  timeoutMs: number,
): Promise<{ code: number; answer: string } | { missing: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(CLAMSCAN, {
      args: ["--no-summary", "--stdout", "--allmatch", `--database=${databaseDirectory}`, "-"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", LANG: "C" },
    }).spawn();
  } catch (error) {
    return {
      missing: error instanceof Deno.errors.NotFound
        ? `${CLAMSCAN} is not installed`
        : `vitrine may not run ${CLAMSCAN} (${
          (error as Error).name
        }: it needs --allow-run=${CLAMSCAN})`,
    };
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* ended */ }
  }, timeoutMs);
  try {
    const writer = child.stdin.getWriter();
    await writer.write(bytes).catch(() => {});
    await writer.close().catch(() => {});
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      answer: `${decoder.decode(output.stdout)}\n${decoder.decode(output.stderr)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * ClamAV's verdict on `bytes`: confirmed only when ClamAV itself finds
 * `signature` in them.
 */
export async function clamavVerdict(
  bytes: Uint8Array,
  signature: string,
  source: VerdictSource,
): Promise<ClamavVerdict> {
  if (source.clamdSocket !== null) {
    const answer = await askClamd(source.clamdSocket, bytes, source.timeoutMs);
    if (answer !== null) {
      if (/ERROR\s*\0?$/.test(answer.trim()) || !answer.includes("stream:")) {
        return {
          kind: "unavailable",
          why: `clamd at "${source.clamdSocket}" answered with an error (${
            answer.replace(/\0/g, "").slice(0, 120).trim() || "nothing"
          })`,
        };
      }
      return verdictOf(answer, signature, "clamd");
    }
  }
  const scanned = await askClamscan(bytes, source.databaseDirectory, source.timeoutMs);
  if ("missing" in scanned) {
    return {
      kind: "unavailable",
      why: `no clamd answers${
        source.clamdSocket ? ` at "${source.clamdSocket}"` : " (samples.clamdSocket is null)"
      }, and ${scanned.missing}`,
    };
  }
  // 0: clean, 1: found, anything else: clamscan could not scan.
  if (scanned.code !== 0 && scanned.code !== 1) {
    return {
      kind: "unavailable",
      why: `clamscan could not scan (exit ${scanned.code}${
        scanned.code === 137 || scanned.code === -1 ? ", killed or out of time" : ""
      })`,
    };
  }
  return verdictOf(scanned.answer, signature, "clamscan");
}
