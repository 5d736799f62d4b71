// Uploads to Azure Blob storage through vitrine's own REST requests (Put
// Blob, Put Block, Put Block List) against Azurite, Microsoft's emulator,
// read back through Microsoft's SDK as an independent client.
import { equal, match, ok } from "node:assert/strict";
import { startAzurite } from "../../testing/azurite.ts";
import { requires } from "../../testing/requires.ts";
import { tempDir } from "../../testing/temp_dir.ts";
import { waitFor } from "../../testing/wait_for.ts";
import { checkUploadUrl, uploadBlob, UploadError } from "../../uplink/blob_upload.ts";

const OPTIONS = { timeoutMs: 30_000, proxy: null, contentType: "application/octet-stream" };

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return bytes;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  ...requires("azurite-blob"),
  name: "a 32 MiB sample goes whole in one Put Blob, and a larger blob in blocks that arrive whole",
  fn: async () => {
    await using dir = await tempDir();
    await using azurite = await startAzurite(dir.path, "samples");
    const sample = randomBytes(32 * 1024 * 1024);
    const single = await uploadBlob(checkUploadUrl(azurite.sasUrl("sample.bin")), sample, OPTIONS);
    ok(single.requestId, "Azurite's request id is kept");
    const stored = await azurite.container.getBlockBlobClient("sample.bin").downloadToBuffer();
    equal(await sha256(new Uint8Array(stored)), await sha256(sample));
    const properties = await azurite.container.getBlockBlobClient("sample.bin").getProperties();
    equal(properties.contentType, "application/octet-stream");

    const blocks: number[] = [];
    const large = randomBytes(5 * 1024 * 1024 + 17);
    await uploadBlob(checkUploadUrl(azurite.sasUrl("large.bin")), large, {
      ...OPTIONS,
      singleShotBytes: 1024 * 1024,
      blockBytes: 1024 * 1024,
      blockDone: (done) => void blocks.push(done),
    });
    equal(blocks.length, 6, "six blocks of a MiB at most");
    const back = await azurite.container.getBlockBlobClient("large.bin").downloadToBuffer();
    equal(await sha256(new Uint8Array(back)), await sha256(large));
  },
});

Deno.test({
  ...requires("azurite-blob"),
  name:
    "a SAS that expires part way stops the upload with a 403 and leaves no blob; a SAS without write is refused with 403",
  fn: async () => {
    await using dir = await tempDir();
    await using azurite = await startAzurite(dir.path, "samples");
    const expires = new Date(Date.now() + 4000);
    const url = checkUploadUrl(azurite.sasUrl("expiring.bin", "cw", expires));
    const error = await uploadBlob(url, randomBytes(4 * 1024 * 1024), {
      ...OPTIONS,
      singleShotBytes: 1024 * 1024,
      blockBytes: 1024 * 1024,
      // After the first block, wait until the SAS has expired: the next block meets it.
      blockDone: (done) =>
        done === 1
          ? waitFor("the SAS to expire", () => Date.now() > expires.getTime() + 1000)
          : undefined,
    }).then(() => null, (e) => e);
    ok(error instanceof UploadError, String(error));
    equal(error.status, 403);
    match(error.message, /answered 403/);
    ok(
      !error.message.includes(url.searchParams.get("sig")!),
      "the signature is not in the message",
    );
    const names: string[] = [];
    for await (const blob of azurite.container.listBlobsFlat()) names.push(blob.name);
    equal(names.length, 0, "no blob was committed");

    const readOnly = checkUploadUrl(azurite.sasUrl("refused.bin", "r"));
    const refused = await uploadBlob(readOnly, randomBytes(1024), OPTIONS).then(
      () => null,
      (e) => e,
    );
    ok(refused instanceof UploadError, String(refused));
    equal(refused.status, 403);
  },
});
