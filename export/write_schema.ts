// Writes the published JSON Schemas under schema/ (deno task schema).
import { publishedSchemas } from "./export_schema.ts";

if (import.meta.main) {
  for (const [name, schema] of Object.entries(publishedSchemas())) {
    await Deno.writeTextFile(
      new URL(`../schema/${name}`, import.meta.url),
      `${JSON.stringify(schema, null, 2)}\n`,
    );
  }
}
