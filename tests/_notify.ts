// A stand-in for systemd's notification socket, for the tests: a child
// Deno (Unix datagram sockets are unstable in Deno: --unstable-net) that
// prints each datagram it receives on one line; this side keeps them.
import { ROOT, waitFor } from "./_helpers.ts";

/** What a notification listener has heard so far, and how to stop it. */
export interface NotifyListener {
  /** Each datagram as one line ("READY=1 MAINPID=42"), with when it arrived. */
  heard: { at: number; text: string }[];
  stop(): Promise<void>;
}

/** Listens on a Unix datagram socket at `path` until stopped. */
export async function listenNotify(path: string): Promise<NotifyListener> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-net",
      "--allow-read",
      "--allow-write",
      "--allow-net",
      `${ROOT}tests/agent/_notify_listener.ts`,
      path,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const heard: NotifyListener["heard"] = [];
  let buffer = "";
  const pump = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const text of lines) heard.push({ at: Date.now(), text });
    }
  })();
  await waitFor("the notification listener", () => heard.some((h) => h.text === "listening"));
  return {
    heard,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await pump.catch(() => {});
    },
  };
}
