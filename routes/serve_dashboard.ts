/**
 * Serves the dashboard and the API for a running agent: on loopback unless
 * told otherwise, with the Host header, token and origin rules of the app,
 * and the web app itself loaded by the first request (an agent nobody
 * looks at never holds the dashboard's code).
 *
 * @module
 */
import type { Hono } from "hono";
import type { Agent } from "../agent/agent.ts";
import { ensureToken } from "../agent/dashboard_token.ts";
import { shortHostname } from "../identity/identity.ts";
import { InputError } from "../input/input_error.ts";
import { listenAddressProblem, parseListenAddress } from "../input/listen_address.ts";
import type { AppDeps } from "./app_deps.ts";

/**
 * Host header values that reach this server: loopback names, the address
 * it listens on, and when listening on every interface, this machine's
 * name and addresses.
 */
export function hostsFor(listen: string, port: number): string[] {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  const address = parseListenAddress(listen);
  if (address && !address.everywhere) hosts.push(`${address.urlHost}:${port}`);
  if (address?.everywhere) {
    hosts.push(`${shortHostname()}:${port}`);
    for (const nic of Deno.networkInterfaces()) {
      hosts.push(nic.family === "IPv6" ? `[${nic.address}]:${port}` : `${nic.address}:${port}`);
    }
  }
  return [...new Set(hosts)];
}

/** Where to serve. */
export interface ServeOptions {
  listen: string;
  port: number;
  dataDir: string;
  log: (message: string) => void;
}

/** A dashboard being served; `close` stops answering and waits for the server to end. */
export interface Dashboard {
  close(): Promise<void>;
}

/** Serves `agent`'s dashboard; an InputError when the port is taken. */
export async function serveDashboard(agent: Agent, options: ServeOptions): Promise<Dashboard> {
  const { listen, port, dataDir, log } = options;
  const address = parseListenAddress(listen);
  if (address === null) throw new InputError(`--listen: ${listenAddressProblem(listen)}`);
  const beyondLoopback = !address.loopback;
  const shutdown = new AbortController();
  // Filled in once the server is bound, so that port 0 works too.
  const allowedHosts: string[] = [];
  const provisioned = agent.provisionedReadToken;
  const deps: AppDeps = {
    store: agent.store,
    dataDir,
    policy: () => agent.policy,
    identity: () => agent.identity,
    status: () => agent.status(),
    damage: () => agent.damage,
    token: await ensureToken(dataDir),
    // Beyond loopback anyone on the network could read what is shown:
    // reads need a token too.
    readsNeedToken: beyondLoopback,
    ...(beyondLoopback ? { readToken: await ensureToken(dataDir, "read") } : {}),
    provisionedReadToken: () => provisioned.current(agent.policy),
    allowedHosts,
    changePreference: (key, value) => agent.changePreference(key, value),
    recordConsent: (granted, actor) => agent.recordConsent(granted, actor),
    deleteDiagnosticData: (actor) => agent.deleteDiagnosticData(actor),
    logKey: agent.logKey,
    decideHeldSample: (decision) => agent.decideHeldSample(decision),
  };
  let app: Promise<Hono> | undefined;
  const serve = async (request: Request) =>
    (await (app ??= import("./app.ts").then(({ createApp }) => createApp(deps)))).fetch(request);
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: listen,
      port,
      signal: shutdown.signal,
      onListen: ({ port: bound }) => {
        allowedHosts.push(...hostsFor(listen, bound));
        // Where it listens, for `vitrine dashboard` to find.
        agent.announceDashboard({ listen, port: bound });
        if (beyondLoopback) {
          log(
            `Warning: the dashboard listens on ${listen}, reachable beyond this machine. Every request, reads included, needs a token: the dashboard URL's (vitrine dashboard) or the read-only one (vitrine dashboard --read-token) as "Authorization: Bearer TOKEN".`,
          );
        }
        log(`vitrine ${agent.identity.app_version} collecting into ${dataDir}`);
        log(
          `Dashboard: http://${address.urlHost}:${bound}/  (run \`vitrine dashboard\` for the URL with its token)`,
        );
      },
    }, serve);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new InputError(
        `Port ${port} on ${listen} is already in use. Pass --port with a free port.`,
      );
    }
    throw error;
  }
  return {
    async close() {
      shutdown.abort();
      await server.finished.catch(() => {});
    },
  };
}
