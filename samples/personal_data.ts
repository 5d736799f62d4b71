/**
 * Looks through a file's content for signs of personal data: what the
 * `safe` sample-submission level must keep on the machine. It reads the
 * text a file holds (a binary's embedded strings too) and reports which
 * kinds of personal data it found and how often, never the data itself.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { readSmallText } from "../ffi/read_regular_file.ts";

/** What this machine knows that makes content personal here. */
export interface MachineFacts {
  /** Names of people's accounts (uid 1000 and above, not nobody). */
  userNames: readonly string[];
  /** Their home directories, and /root. */
  homes: readonly string[];
}

/** A kind of personal data found (or of content that cannot be checked), and how many times. */
export interface Finding {
  kind:
    | "e-mail address"
    | "user name of this machine"
    | "home path of this machine"
    | "phone-like number"
    | "card-like number"
    | "national-id-like number"
    | "bank account number (IBAN)"
    | "private key"
    | "compressed data"
    | "encoded data (base64 or hex)";
  count: number;
}

/** Kinds that say the content could not be checked, rather than what it holds. */
export const UNCHECKABLE_KINDS: readonly Finding["kind"][] = [
  "compressed data",
  "encoded data (base64 or hex)",
];

/** Runs of this many printable characters or more are read as text (as strings(1) does). */
const MIN_RUN = 4;

/** The printable runs of `bytes` read as UTF-8, joined by newlines. */
export function printableText(bytes: Uint8Array): string {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  // Control characters and U+FFFD (bytes that are not UTF-8) split runs.
  // deno-lint-ignore no-control-regex
  return text.split(/[\u0000-\u0008\u000e-\u001f\u007f\ufffd]+/)
    .filter((run) => run.trim().length >= MIN_RUN).join("\n");
}

// One character of Latin-1 text (printable ASCII or a letter above 0x9f), as a byte.
const LATIN1_CHAR = "[\\x20-\\x7e\\xa0-\\xff]";
const UTF16LE_RUN = new RegExp(`(?:${LATIN1_CHAR}\\x00){${MIN_RUN},}`, "g");
const UTF16BE_RUN = new RegExp(`(?:\\x00${LATIN1_CHAR}){${MIN_RUN},}`, "g");
// A Latin-1 run holding at least one letter above 0x9f (which UTF-8 would have cut).
const LATIN1_RUN = new RegExp(
  `${LATIN1_CHAR}*[\\xa0-\\xff]${LATIN1_CHAR}*`,
  "g",
);

/**
 * The text a person could read in `bytes`, in the encodings programs hold
 * it in: UTF-8 (and ASCII), Latin-1, and UTF-16 in either byte order (how
 * Windows programs keep their strings). Each view is the runs of at least
 * four printable characters, joined by newlines. The UTF-16 views hold
 * text none of the others see (each also sees the other's text, shifted by
 * a byte and cut by a character); the Latin-1 view repeats what UTF-8 saw
 * of a run with a letter UTF-8 cannot read.
 */
export function textViews(
  bytes: Uint8Array,
): { utf8: string; latin1: string; utf16le: string; utf16be: string } {
  const raw = bytesAsLatin1(bytes);
  const runs = (pattern: RegExp, strip: boolean) =>
    [...raw.matchAll(pattern)].map((m) => strip ? m[0].replaceAll("\x00", "") : m[0])
      .filter((run) => run.trim().length >= MIN_RUN).join("\n");
  return {
    utf8: printableText(bytes),
    latin1: runs(LATIN1_RUN, false),
    utf16le: runs(UTF16LE_RUN, true),
    utf16be: runs(UTF16BE_RUN, true),
  };
}

/**
 * Each byte as the character of the same number (ISO 8859-1 proper; the
 * TextDecoder's "latin1" is windows-1252, which moves 0x80 to 0x9f).
 */
function bytesAsLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
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

/** IBAN lengths by country (ISO 13616's registry): a country's IBANs have exactly this many characters. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** Whether `candidate` (any case, spaces allowed) is an IBAN: its country's length and check digits. */
function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, "").toUpperCase();
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
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
// Digits grouped by spaces, dots or dashes, or not at all.
const CARD = /\b\d(?:[ .-]?\d){12,18}\b/g;
const PHONE = /(?:\+\d{1,3}[ .-]?)?\(?\d{2,4}\)?[ .-]\d{2,4}[ .-]\d{2,4}(?:[ .-]\d{2,4})?\b/g;
// Written without separators: international (+447700900123) or national with its trunk 0 (07700900123).
const PHONE_BARE = /(?<![\w+])(?:\+\d{8,15}|0\d{9,10})(?!\w)/g;
const NATIONAL_ID = [
  // US social security number.
  /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
  // UK national insurance number.
  /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  // French social security number (NIR): 13 digits and a 2-digit key.
  /\b[12] ?\d{2} ?(?:0[1-9]|1[0-2]) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b/g,
];
// Either case: an IBAN typed in lower case is still one.
const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}\b/g;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;

/** Digits that count up or stay the same ("0123456789", "0000000000"): a table in a program, not a number. */
function trivialDigits(digits: string): boolean {
  let up = true;
  let same = true;
  for (let i = 1; i < digits.length; i++) {
    const step = (Number(digits[i]) - Number(digits[i - 1]) + 10) % 10;
    if (step !== 1) up = false;
    if (step !== 0) same = false;
  }
  return up || same;
}

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
  "compressed data",
  "encoded data (base64 or hex)",
];

type Totals = Map<Finding["kind"], number>;

function add(totals: Totals, kind: Finding["kind"], n: number): void {
  if (n > 0) totals.set(kind, (totals.get(kind) ?? 0) + n);
}

function phoneLike(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  // A date (with the hour after it) or an IPv4 address is not a phone number.
  return digits.length >= 9 && digits.length <= 15 &&
    !/^(?:19|20)\d\d[-./]\d\d[-./]\d\d/.test(match) &&
    !/^\(?\d{1,3}(?:\.\d{1,3}){3}$/.test(match) && !trivialDigits(digits);
}

/** Adds what `text` holds to `totals`. */
function countInto(text: string, patterns: Patterns, totals: Totals): void {
  add(totals, "e-mail address", count(text, EMAIL, (m) => !ROLE.test(m.slice(0, m.indexOf("@")))));
  add(totals, "private key", count(text, PRIVATE_KEY));
  if (patterns.names) add(totals, "user name of this machine", count(text, patterns.names));
  if (patterns.homes) add(totals, "home path of this machine", count(text, patterns.homes));
  add(
    totals,
    "card-like number",
    count(text, CARD, (m) => {
      const digits = m.replace(/\D/g, "");
      return luhn(digits) && !trivialDigits(digits);
    }),
  );
  add(
    totals,
    "national-id-like number",
    NATIONAL_ID.reduce((sum, pattern) => sum + count(text, pattern), 0),
  );
  add(totals, "bank account number (IBAN)", count(text, IBAN, ibanValid));
  add(
    totals,
    "phone-like number",
    count(text, PHONE, phoneLike) + count(text, PHONE_BARE, phoneLike),
  );
}

// Compressed streams inside a file, by their magic bytes (as Latin-1 text):
// gzip, zip, xz, zstd, 7-Zip, RAR; and bzip2's header with its block magic.
const COMPRESSED_MAGIC = [
  "\x1f\x8b\x08",
  "PK\x03\x04",
  "\xfd7zXZ\x00",
  "\x28\xb5\x2f\xfd",
  "7z\xbc\xaf\x27\x1c",
  "Rar!\x1a\x07",
];
const BZIP2 = /BZh[1-9]1AY&SY/g;

/** How many times `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}
// Base64 of at least 128 characters (a MIME body's lines joined), or a long run of hex.
const BASE64 = /[A-Za-z0-9+\/]{64,}={0,2}(?:\r?\n[A-Za-z0-9+\/]{4,}={0,2})*/g;
const HEX = /(?:[0-9a-fA-F]{256,}|(?:\\x[0-9a-fA-F]{2}){64,})/g;

/** Counts what `bytes` holds that no text search can look into: compressed streams, encoded runs. */
function countUncheckable(bytes: Uint8Array, totals: Totals): void {
  const raw = bytesAsLatin1(bytes);
  add(
    totals,
    "compressed data",
    COMPRESSED_MAGIC.reduce((n, magic) => n + occurrences(raw, magic), count(raw, BZIP2)),
  );
  add(
    totals,
    "encoded data (base64 or hex)",
    count(raw, BASE64, (m) => {
      const body = m.replace(/[\r\n=]/g, "");
      return body.length >= 128 && /[A-Z]/.test(body) && /[a-z]/.test(body) && /\d/.test(body);
    }) + count(raw, HEX),
  );
}

function findingsOf(totals: Totals): Finding[] {
  return KINDS.flatMap((kind) => {
    const n = totals.get(kind) ?? 0;
    return n > 0 ? [{ kind, count: n }] : [];
  });
}

/**
 * The totals of `bytes`: each view searched, the UTF-8 and Latin-1 views
 * taken at the larger count of each kind (they read the same runs), and so
 * the two UTF-16 views, added to them; then what cannot be searched.
 */
function totalsOf(bytes: Uint8Array, facts: MachineFacts): Totals {
  const patterns = patternsFor(facts);
  const views = textViews(bytes);
  const [utf8, latin1, le, be] = [views.utf8, views.latin1, views.utf16le, views.utf16be].map(
    (text) => {
      const totals: Totals = new Map();
      countInto(text, patterns, totals);
      return totals;
    },
  ) as [Totals, Totals, Totals, Totals];
  const larger = (a: Totals, b: Totals, kind: Finding["kind"]) =>
    Math.max(a.get(kind) ?? 0, b.get(kind) ?? 0);
  const totals: Totals = new Map();
  for (const kind of KINDS) add(totals, kind, larger(utf8, latin1, kind) + larger(le, be, kind));
  countUncheckable(bytes, totals);
  return totals;
}

/**
 * The kinds of personal data in `bytes`, each with its count, and content
 * that cannot be searched (compressed or encoded); empty when none was found.
 */
export function findPersonalData(bytes: Uint8Array, facts: MachineFacts): Finding[] {
  return findingsOf(totalsOf(bytes, facts));
}

/**
 * What {@linkcode findPersonalData} finds, searched on a thread of its own:
 * without a JIT a large sample takes seconds, which on the agent's thread
 * would stop the dashboard and collection meanwhile.
 */
export function findPersonalDataAside(
  bytes: Uint8Array,
  facts: MachineFacts,
): Promise<Finding[]> {
  const worker = new Worker(new URL("./_personal_data_worker.ts", import.meta.url), {
    type: "module",
  });
  return new Promise<Finding[]>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<PersonalDataAnswer>) => {
      const answer = event.data;
      if ("findings" in answer) resolve(answer.findings);
      else reject(new Error(`The personal-data check failed: ${answer.error}`));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`The personal-data check failed: ${event.message}`));
    };
    worker.postMessage({ bytes, facts } satisfies PersonalDataQuestion);
  }).finally(() => worker.terminate());
}

/** What the worker is asked. */
export interface PersonalDataQuestion {
  bytes: Uint8Array;
  facts: MachineFacts;
}

/** What the worker answers. */
export type PersonalDataAnswer = { findings: Finding[] } | { error: string };

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
