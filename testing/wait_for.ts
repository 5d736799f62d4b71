/**
 * Waiting on a condition or on words in a stream, never on the clock
 * alone: each wait has a bound, and says what it waited for when it ends
 * without it.
 *
 * @module
 */

/** Waits until `check` returns true, polling every `everyMs` (50 ms), or throws. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Reads stream text until it contains `needle`. */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  needle: string,
  timeoutMs = 20_000,
): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (!text.includes(needle)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out waiting for "${needle}" in: ${text}`);
      const next = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`Timed out waiting for "${needle}" in: ${text}`)),
            remaining,
          )
        ),
      ]);
      if (next.done) throw new Error(`Stream ended before "${needle}": ${text}`);
      text += decoder.decode(next.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}
