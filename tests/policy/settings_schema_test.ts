import { equal, ok } from "node:assert/strict";
import { Ajv } from "ajv";
import { settingsDocumentSchema } from "../../policy/settings_schema.ts";
import { validateSettings } from "../../policy/validate_settings.ts";
import { ROOT } from "../../testing/run_cli.ts";

const ajv = new Ajv({ strict: false, discriminator: true });
const documentValid = ajv.compile(settingsDocumentSchema());

Deno.test("the published settings schema takes the example managed policy, and the agent's validation agrees", async () => {
  const example = JSON.parse(await Deno.readTextFile(`${ROOT}packaging/managed.json.example`));
  ok(documentValid(example), JSON.stringify(documentValid.errors));
  equal(validateSettings(example).problems.length, 0);
});

Deno.test("what the settings schema refuses the agent's validation refuses too, file by file", async () => {
  for await (const entry of Deno.readDir(`${ROOT}tests/policy/malformed`)) {
    let document: unknown;
    try {
      document = JSON.parse(await Deno.readTextFile(`${ROOT}tests/policy/malformed/${entry.name}`));
    } catch {
      continue; // Not JSON at all: the parser's case, not the schema's.
    }
    const refusedBySchema = !documentValid(document);
    const refusedByAgent = validateSettings(document).problems.length > 0;
    // A pattern cannot say all (a port in range, a listen address): the agent may refuse more.
    ok(!refusedBySchema || refusedByAgent, `${entry.name}: the schema refuses it, the agent not`);
  }
});
