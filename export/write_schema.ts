// Writes what is generated from the catalogue and the settings table
// (deno task schema): the published JSON Schemas under schema/ (the
// export's, and the managed policy's for administrators' editors), and the
// fields' types of catalog/event_fields.ts.
import { eventFieldsSource } from "../catalog/_event_fields_source.ts";
import { settingsDocumentSchema } from "../policy/settings_schema.ts";
import { publishedSchemas } from "./export_schema.ts";

if (import.meta.main) {
  const schemas = { ...publishedSchemas(), "settings.schema.json": settingsDocumentSchema() };
  for (const [name, schema] of Object.entries(schemas)) {
    await Deno.writeTextFile(
      new URL(`../schema/${name}`, import.meta.url),
      `${JSON.stringify(schema, null, 2)}\n`,
    );
  }
  await Deno.writeTextFile(
    new URL("../catalog/event_fields.ts", import.meta.url),
    eventFieldsSource(),
  );
}
