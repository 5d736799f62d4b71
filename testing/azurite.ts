// Azurite (Microsoft's Azure Storage emulator) on loopback for the upload
// tests, with SAS URLs made here.
import {
  BlobSASPermissions,
  BlobServiceClient,
  type ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { readUntil } from "./wait_for.ts";

// Azurite's documented development account (public, for the emulator only).
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** SHA-256 of `bytes`, in hex, computed apart from the code under test. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A running Azurite with one container. */
export interface Azurite {
  container: ContainerClient;
  port: number;
  /** A SAS URL for blob `blob` (valid an hour, or until `expires`). */
  sasUrl(blob: string, permissions?: string, expires?: Date): string;
  /** The query of a SAS for the whole container (what samples.sasTokenFile holds). */
  containerSas(permissions?: string): string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Azurite on loopback with container `name`, and SAS URLs for it and its blobs. */
export async function startAzurite(dir: string, name = "support"): Promise<Azurite> {
  const port = freePort();
  const child = new Deno.Command("azurite-blob", {
    args: [
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--location",
      `${dir}/azurite`,
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--loose",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await readUntil(child.stdout, "successfully listens");
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY);
  const service = new BlobServiceClient(`http://127.0.0.1:${port}/${ACCOUNT}`, credential);
  const container = service.getContainerClient(name);
  await container.create();
  const expiresOn = () => new Date(Date.now() + 3_600_000);
  return {
    container,
    port,
    sasUrl(blob: string, permissions = "cw", expires = expiresOn()): string {
      const sas = generateBlobSASQueryParameters({
        containerName: name,
        blobName: blob,
        permissions: BlobSASPermissions.parse(permissions),
        expiresOn: expires,
      }, credential);
      return `${container.getBlockBlobClient(blob).url}?${sas.toString()}`;
    },
    containerSas(permissions = "cw"): string {
      return generateBlobSASQueryParameters({
        containerName: name,
        permissions: ContainerSASPermissions.parse(permissions),
        expiresOn: expiresOn(),
      }, credential).toString();
    },
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
    },
  };
}
