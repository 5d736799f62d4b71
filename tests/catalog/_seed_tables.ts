// Extracts (platform, event, field, tier) facts from the privacy pages in
// shared/seeds, so the catalogue can be checked against them.

/** One field named by a privacy page. */
export interface SeedField {
  platform: "linux" | "macos";
  event: string;
  field: string;
  tier: "required" | "optional";
}

function eventOf(heading: string): string | null {
  const h = heading.toLowerCase();
  if (h.includes("installation")) return "install";
  if (h.includes("auto-update")) return "auto_update_configuration";
  if (h.includes("configuration")) return "configuration";
  if (h.includes("security intelligence update")) return "security_intelligence_update";
  if (h.includes("kernel extension statistics")) return "kernel_statistics";
  if (h.includes("upload started")) return "diagnostic_log_upload_started";
  if (h.includes("upload completed")) return "diagnostic_log_upload_completed";
  if (h.includes("data fields that are common")) return "common";
  return null;
}

/** Parses one page. */
export function parseSeedPage(text: string, platform: SeedField["platform"]): SeedField[] {
  const out: SeedField[] = [];
  let tier: SeedField["tier"] = "required";
  let event: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (/^### Required diagnostic data/.test(line)) tier = "required";
    else if (/^### Optional diagnostic data/.test(line)) tier = "optional";
    const heading = /^#{3,4} (.+)$/.exec(line)?.[1] ?? /^\*\*(.+?)\*\*:?$/.exec(line)?.[1];
    if (heading !== undefined) {
      const found = eventOf(heading);
      if (found !== null || line.startsWith("#")) event = found;
      continue;
    }
    if (!line.startsWith("|") || event === null) continue;
    const cell = line.split("|")[1]!.trim().replaceAll("\\[", "[").replaceAll("\\]", "]");
    if (cell === "" || cell === "Field" || /^-+$/.test(cell)) continue;
    out.push({ platform, event, field: cell, tier: event === "common" ? "required" : tier });
  }
  return out;
}
