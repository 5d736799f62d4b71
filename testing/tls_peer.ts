// A peer for mutual TLS, for the tests and the fleet benchmark:
// certificates made with openssl, and a receiver (Node's https server,
// since Deno.serve cannot ask for client certificates) that requires a
// client certificate signed by its CA.
import { ROOT } from "./run_cli.ts";
import { waitFor } from "./wait_for.ts";

/** What a test of mutual TLS needs: openssl for certificates, Node for the receiver. */
export const TLS_PEER_NEEDS = ["openssl", "node"] as const;

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/**
 * Makes in `dir`: a CA (ca.pem) and a rogue one, a server certificate for
 * 127.0.0.1 (server.pem, server.key), a client certificate of each CA
 * (client.*, rogue-client.*; keys 0600), and client-ca.pem for the receiver.
 */
export async function makeCertificates(dir: string): Promise<void> {
  const days = ["-days", "2"];
  for (const ca of ["ca", "rogue-ca"]) {
    await openssl(dir, [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
      ...days,
      "-subj",
      `/CN=${ca}`,
    ]);
  }
  const sign = async (name: string, ca: string, ext: string) => {
    await Deno.writeTextFile(`${dir}/${name}.ext`, ext);
    await openssl(dir, [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ]);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      ...days,
      "-extfile",
      `${name}.ext`,
    ]);
    await Deno.chmod(`${dir}/${name}.key`, 0o600);
  };
  await sign(
    "server",
    "ca",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
  );
  const client =
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n";
  await sign("client", "ca", client);
  await sign("rogue-client", "rogue-ca", client);
  await Deno.copyFile(`${dir}/ca.pem`, `${dir}/client-ca.pem`);
}

/**
 * Makes `name`.pem and `name`.key in `dir`, signed by the CA `ca` of that
 * directory the common way that yields an X.509 version 1 certificate:
 * `openssl x509 -req` without an extension file.
 */
export async function makeVersion1Certificate(dir: string, name: string, ca = "ca"): Promise<void> {
  await openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}.pem`,
    "-CAkey",
    `${ca}.key`,
    "-CAcreateserial",
    "-out",
    `${name}.pem`,
    "-days",
    "2",
  ]);
  await Deno.chmod(`${dir}/${name}.key`, 0o600);
}

/** A running receiver: its port, the requests' lines so far, and how to stop it. */
export interface TlsReceiver {
  port: number;
  requests(): string[];
  stop(): Promise<void>;
}

/** Starts the receiver on the certificates in `dir` (with `bodies`, each request's body in base64 too). */
export async function startTlsReceiver(dir: string, bodies = false): Promise<TlsReceiver> {
  const child = new Deno.Command("node", {
    args: [`${ROOT}testing/tls_receiver.mjs`, dir, ...(bodies ? ["--bodies"] : [])],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  let partial = "";
  const pump = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      lines.push(...parts.filter((line) => line !== ""));
    }
  })();
  await waitFor("the TLS receiver", () => lines.some((line) => line.startsWith("port ")));
  const port = Number(lines.find((line) => line.startsWith("port "))!.slice(5));
  return {
    port,
    requests: () => lines.filter((line) => line.startsWith("POST ")),
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await pump.catch(() => {});
    },
  };
}
