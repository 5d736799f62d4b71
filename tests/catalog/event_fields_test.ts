import { equal, match } from "node:assert/strict";
import { eventFieldsSource } from "../../catalog/_event_fields_source.ts";
import { ROOT } from "../../testing/run_cli.ts";

/** `source` as deno fmt writes it (the generated file is formatted). */
async function formatted(source: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ts", "-"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  return new TextDecoder().decode((await child.output()).stdout);
}

Deno.test("the fields' types are the ones the catalogue generates", async () => {
  equal(
    await Deno.readTextFile(`${ROOT}catalog/event_fields.ts`),
    await formatted(eventFieldsSource()),
    "catalog/event_fields.ts is stale: run deno task schema",
  );
});

Deno.test("a collector that names a field the catalogue does not know, or gives a wrong value, fails deno check", async () => {
  const check = async (fields: string) => {
    // In the repository, so that its import map resolves; removed at once.
    const file = `${ROOT}.check-${crypto.randomUUID()}.ts`;
    await Deno.writeTextFile(
      file,
      `import type { RawEvent } from "./catalog/raw_event.ts";\n` +
        `export const events: RawEvent[] = [{ type: "sample_decision", fields: ${fields} }];\n`,
    );
    try {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["check", "--quiet", file],
        cwd: ROOT,
        env: { DENO_DIR: Deno.env.get("DENO_DIR") ?? "", NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: output.code, said: new TextDecoder().decode(output.stderr) };
    } finally {
      await Deno.remove(file);
    }
  };
  const right = await check(`{ sample_id: "s1", decision: "hold", actor: "vitrine", reason: "r" }`);
  equal(right.code, 0, right.said);
  const misnamed = await check(
    `{ sample_id: "s1", decison: "hold", actor: "vitrine", reason: "r" }`,
  );
  equal(misnamed.code, 1);
  match(misnamed.said, /'decison' does not exist/);
  const wrong = await check(
    `{ sample_id: "s1", decision: "perhaps", actor: "vitrine", reason: "r" }`,
  );
  equal(wrong.code, 1);
  match(wrong.said, /"perhaps"/);
});
