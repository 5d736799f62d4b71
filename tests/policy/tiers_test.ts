import { deepEqual } from "node:assert/strict";
import { combinePolicy } from "../../policy/combine_policy.ts";
import type { Policy } from "../../policy/policy.ts";
import { allowedTiers, type Boundary, sendingTo, tierOf } from "../../policy/tiers.ts";

function policyOf(managed: Record<string, unknown>): Policy {
  return combinePolicy(
    "/etc/vitrine/managed.json",
    { state: "valid", values: new Map(Object.entries(managed)), problems: [] },
    new Map(),
  );
}

const BOUNDARIES: Boundary[] = ["collect", "store", "show", "export", "send", "metrics", "bundle"];
const SENDING = { "cloudService.enabled": true, "cloudService.serviceUri": "https://otel.example" };

Deno.test("at the required level no boundary lets optional data through", () => {
  const policy = policyOf({ "cloudService.diagnosticLevel": "required", ...SENDING });
  for (const boundary of BOUNDARIES) {
    deepEqual(allowedTiers(policy, boundary), ["required"], boundary);
  }
});

Deno.test("at the optional level every boundary takes both tiers while sending is on", () => {
  const policy = policyOf({ "cloudService.diagnosticLevel": "optional", ...SENDING });
  for (const boundary of BOUNDARIES) {
    deepEqual(allowedTiers(policy, boundary), ["required", "optional"], boundary);
  }
});

Deno.test("with sending off nothing crosses the send boundary, and the others keep the level", () => {
  for (
    const off of [
      { "cloudService.enabled": false, "cloudService.serviceUri": "https://otel.example" },
      { "cloudService.enabled": true },
    ]
  ) {
    const policy = policyOf({ "cloudService.diagnosticLevel": "optional", ...off });
    deepEqual(allowedTiers(policy, "send"), []);
    deepEqual(allowedTiers(policy, "store"), ["required", "optional"]);
    deepEqual(allowedTiers(policy, "metrics"), ["required", "optional"]);
  }
});

Deno.test("a managed file that is invalid holds every boundary at the required tier and sends nothing", () => {
  const policy = combinePolicy(
    "/etc/vitrine/managed.json",
    { state: "invalid", values: new Map(), problems: [] },
    new Map<string, unknown>([
      ["cloudService.diagnosticLevel", "optional"],
      ["cloudService.enabled", true],
      ["cloudService.serviceUri", "https://otel.example"],
    ]),
  );
  deepEqual(allowedTiers(policy, "send"), []);
  for (const boundary of BOUNDARIES.filter((b) => b !== "send")) {
    deepEqual(allowedTiers(policy, boundary), ["required"], boundary);
  }
});

Deno.test("events go to <serviceUri>/v1/logs, one slash between, http(s) only", () => {
  const at = (uri: string) =>
    sendingTo(policyOf({ "cloudService.enabled": true, "cloudService.serviceUri": uri }))?.href;
  deepEqual(at("https://otel.example"), "https://otel.example/v1/logs");
  deepEqual(at("https://otel.example/base//"), "https://otel.example/base/v1/logs");
  deepEqual(at("http://127.0.0.1:4318"), "http://127.0.0.1:4318/v1/logs");
});

Deno.test("a tier read back from text is optional only when it says so exactly", () => {
  deepEqual(tierOf("optional"), "optional");
  for (const text of ["required", "Optional", "", null, undefined, 1]) {
    deepEqual(tierOf(text), "required", String(text));
  }
});

Deno.test("with TLS files set, a plain http serviceUri sends nothing (never in the clear), https does", () => {
  for (
    const tls of [
      { "cloudService.caFile": "/etc/vitrine/ca.pem" },
      {
        "cloudService.clientCertificateFile": "/etc/vitrine/client.pem",
        "cloudService.clientKeyFile": "/etc/vitrine/client.key",
      },
    ]
  ) {
    const plain = policyOf({
      "cloudService.enabled": true,
      "cloudService.serviceUri": "http://otel.example:4318",
      ...tls,
    });
    deepEqual(sendingTo(plain), null, JSON.stringify(tls));
    deepEqual(allowedTiers(plain, "send"), []);
    const secure = policyOf({
      "cloudService.enabled": true,
      "cloudService.serviceUri": "https://otel.example:4318",
      ...tls,
    });
    deepEqual(sendingTo(secure)?.href, "https://otel.example:4318/v1/logs");
  }
  // Without TLS files plain http stays possible (a collector on loopback, say).
  deepEqual(
    sendingTo(
      policyOf({
        "cloudService.enabled": true,
        "cloudService.serviceUri": "http://127.0.0.1:4318",
      }),
    )
      ?.href,
    "http://127.0.0.1:4318/v1/logs",
  );
});
