/**
 * Looks through a file's content for signs of personal data: what the
 * `safe` sample-submission level must keep on the machine. It reads the
 * text a file holds (a binary's embedded strings too) and reports which
 * kinds of personal data it found and how often, never the data itself.
 *
 * @module
 */
import { readSmallText } from "../ffi/read_regular_file.ts";

/** What this machine knows that makes content personal here. */
export interface MachineFacts {
  /** Names of people's accounts (uid 1000 and above, not nobody). */
  userNames: readonly string[];
  /** Their home directories, and /root. */
  homes: readonly string[];
}

/** A kind of personal data found, and how many times. */
export interface Finding {
  kind:
    | "e-mail address"
    | "user name of this machine"
    | "home path of this machine"
    | "phone-like number"
    | "card-like number"
    | "national-id-like number"
    | "bank account number (IBAN)"
    | "private key";
  count: number;
}

/** Runs of this many printable characters or more are read as text (as strings(1) does). */
const MIN_RUN = 4;

/** The printable runs of `bytes`, joined by newlines: what a person could read in it. */
export function printableText(bytes: Uint8Array): string {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  // Control characters and U+FFFD (bytes that are not UTF-8) split runs.
  // deno-lint-ignore no-control-regex
  return text.split(/[\u0000-\u0008\u000e-\u001f\u007f\ufffd]+/)
    .filter((run) => run.trim().length >= MIN_RUN).join("\n");
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function ibanValid(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of moved) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}/g;
/**
 * Local parts of addresses that name a role, not a person (a project's bug
 * address in every GNU program, say): they are not personal data.
 */
const ROLE =
  /^(?:bugs?|bug-[\w.-]+|[\w.-]+-bugs|support|help|info|security|abuse|no-?reply|postmaster|webmaster|hostmaster|contact|team|maintainers?|[\w.-]+-(?:devel|dev|users|announce|request|maintainers))$/i;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const PHONE = /(?:\+\d{1,3}[ .-]?)?\(?\d{2,4}\)?[ .-]\d{2,4}[ .-]\d{2,4}(?:[ .-]\d{2,4})?\b/g;
const NATIONAL_ID = [
  // US social security number.
  /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
  // UK national insurance number.
  /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  // French social security number (NIR): 13 digits and a 2-digit key.
  /\b[12] ?\d{2} ?(?:0[1-9]|1[0-2]) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b/g,
];
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;

function count(text: string, pattern: RegExp, accept: (match: string) => boolean = () => true) {
  let found = 0;
  for (const match of text.matchAll(pattern)) if (accept(match[0])) found++;
  return found;
}

/** The patterns of one search, made once for every batch of text. */
interface Patterns {
  names: RegExp | null;
  homes: RegExp | null;
}

function patternsFor(facts: MachineFacts): Patterns {
  const names = facts.userNames.filter((name) => name.length >= 3);
  const homes = facts.homes.filter((home) => home.length > 1);
  return {
    names: names.length > 0
      ? new RegExp(`(?<![A-Za-z0-9_.-])(?:${names.map(escape).join("|")})(?![A-Za-z0-9_-])`, "g")
      : null,
    homes: homes.length > 0
      ? new RegExp(`(?:${homes.map(escape).join("|")})(?=/|\\b|$)`, "g")
      : null,
  };
}

/** The kinds, in the order findings are reported. */
const KINDS: readonly Finding["kind"][] = [
  "e-mail address",
  "private key",
  "user name of this machine",
  "home path of this machine",
  "card-like number",
  "national-id-like number",
  "bank account number (IBAN)",
  "phone-like number",
];

/** Adds what `text` holds to `totals`. */
function countInto(text: string, patterns: Patterns, totals: Map<Finding["kind"], number>): void {
  const add = (kind: Finding["kind"], n: number) => totals.set(kind, (totals.get(kind) ?? 0) + n);
  add("e-mail address", count(text, EMAIL, (m) => !ROLE.test(m.slice(0, m.indexOf("@")))));
  add("private key", count(text, PRIVATE_KEY));
  if (patterns.names) add("user name of this machine", count(text, patterns.names));
  if (patterns.homes) add("home path of this machine", count(text, patterns.homes));
  add("card-like number", count(text, CARD, (m) => luhn(m.replace(/\D/g, ""))));
  add(
    "national-id-like number",
    NATIONAL_ID.reduce((sum, pattern) => sum + count(text, pattern), 0),
  );
  add("bank account number (IBAN)", count(text, IBAN, (m) => ibanValid(m.replace(/ /g, ""))));
  add(
    "phone-like number",
    count(text, PHONE, (m) => {
      const digits = m.replace(/\D/g, "").length;
      // A date (with the hour after it) or an IPv4 address is not a phone number.
      return digits >= 9 && digits <= 15 && !/^(?:19|20)\d\d[-./]\d\d[-./]\d\d/.test(m) &&
        !/^\(?\d{1,3}(?:\.\d{1,3}){3}$/.test(m);
    }),
  );
}

function findingsOf(totals: Map<Finding["kind"], number>): Finding[] {
  return KINDS.flatMap((kind) => {
    const n = totals.get(kind) ?? 0;
    return n > 0 ? [{ kind, count: n }] : [];
  });
}

/** Characters of text searched at a time by {@linkcode findPersonalDataInTurns}. */
const BATCH_CHARS = 256 * 1024;

/**
 * `text` in batches of about `size` characters, cut at line ends: no
 * pattern matches across a line end, so counts are those of the whole.
 */
function* batchesOf(text: string, size: number): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = start + size;
    if (end < text.length) {
      const cut = text.lastIndexOf("\n", end);
      end = cut > start ? cut + 1 : (text.indexOf("\n", end) + 1 || text.length);
    }
    yield text.slice(start, end);
    start = end;
  }
}

/** The kinds of personal data in `bytes`, each with its count; empty when none was found. */
export function findPersonalData(bytes: Uint8Array, facts: MachineFacts): Finding[] {
  const totals = new Map<Finding["kind"], number>();
  countInto(printableText(bytes), patternsFor(facts), totals);
  return findingsOf(totals);
}

/**
 * What {@linkcode findPersonalData} finds, searched a batch at a time with
 * a turn of the event loop between batches: the agent checks a large
 * sample (seconds of CPU without a JIT) without stalling its other work.
 */
export async function findPersonalDataInTurns(
  bytes: Uint8Array,
  facts: MachineFacts,
): Promise<Finding[]> {
  const totals = new Map<Finding["kind"], number>();
  const patterns = patternsFor(facts);
  for (const batch of batchesOf(printableText(bytes), BATCH_CHARS)) {
    countInto(batch, patterns, totals);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return findingsOf(totals);
}

/** Findings in words: "e-mail address (2), home path of this machine (1)". */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.kind} (${f.count})`).join(", ");
}

/**
 * The accounts of people on this machine and their homes, from the
 * password file (uid 1000 and above, nobody excepted), and /root.
 */
export async function readMachineFacts(passwd = "/etc/passwd"): Promise<MachineFacts> {
  const userNames: string[] = [];
  const homes = new Set<string>(["/root"]);
  const read = await readSmallText(passwd, 4 * 1024 * 1024).catch(() => null);
  if (read?.kind === "ok") {
    for (const line of read.text.split("\n")) {
      const [name, , uid, , , home] = line.split(":");
      const id = Number(uid);
      if (!name || !Number.isInteger(id) || id < 1000 || id === 65534) continue;
      userNames.push(name);
      if (home && home !== "/" && !home.startsWith("/nonexistent")) homes.add(home);
    }
  }
  return { userNames, homes: [...homes] };
}
