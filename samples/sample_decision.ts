/**
 * Whether a suspicious file may be submitted automatically, under the
 * sample-submission level, decided from the file's content.
 *
 * @module
 */
import {
  describeFindings,
  type Finding,
  findPersonalData,
  type MachineFacts,
  UNCHECKABLE_KINDS,
} from "./personal_data.ts";

/** The sample-submission levels. */
export type SampleLevel = "none" | "safe" | "all";

/** What the content of a file was recognised as. */
export type ContentKind =
  | "executable"
  | "script"
  | "document"
  | "mail"
  | "image"
  | "archive"
  | "database"
  | "text"
  | "unknown"
  | "empty";

/** What happens to a sample: it goes, it waits for a person's consent, or it stays. */
export type SampleOutcome = "submit" | "hold" | "keep";

/** The decision and why. */
export interface SampleDecision {
  /** Whether it may be submitted without asking anyone. */
  submit: boolean;
  outcome: SampleOutcome;
  level: SampleLevel;
  kind: ContentKind;
  /** The format recognised, such as "ELF executable". */
  format: string;
  /** The personal data its content showed (kinds and counts, never the data). */
  findings: Finding[];
  reason: string;
}

/** The most of a file the content check reads; a larger one cannot be shown free of personal data. */
export const MAX_CHECKED_BYTES = 32 * 1024 * 1024;

interface Signature {
  kind: ContentKind;
  format: string;
  test: (bytes: Uint8Array, text: string) => boolean;
}

const starts = (prefix: number[]) => (bytes: Uint8Array) => prefix.every((b, i) => bytes[i] === b);
const ascii = (prefix: string) => (_: Uint8Array, text: string) => text.startsWith(prefix);

// Order matters: the first match wins.
const SIGNATURES: readonly Signature[] = [
  { kind: "executable", format: "ELF executable", test: starts([0x7f, 0x45, 0x4c, 0x46]) },
  { kind: "executable", format: "Windows PE executable", test: starts([0x4d, 0x5a]) },
  {
    kind: "executable",
    format: "Mach-O executable",
    test: (b) =>
      [[0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xce, 0xfa, 0xed, 0xfe], [
        0xcf,
        0xfa,
        0xed,
        0xfe,
      ]].some((p) => starts(p)(b)),
  },
  { kind: "executable", format: "WebAssembly module", test: starts([0x00, 0x61, 0x73, 0x6d]) },
  {
    kind: "executable",
    format: "Java class or universal binary",
    test: starts([0xca, 0xfe, 0xba, 0xbe]),
  },
  { kind: "script", format: "script with interpreter line", test: ascii("#!") },
  { kind: "document", format: "PDF document", test: ascii("%PDF-") },
  {
    kind: "document",
    format: "OLE2 compound document (Office)",
    test: starts([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  },
  { kind: "document", format: "RTF document", test: ascii("{\\rtf") },
  {
    kind: "archive",
    format: "ZIP archive (also Office Open XML, JAR)",
    test: starts([0x50, 0x4b, 0x03, 0x04]),
  },
  { kind: "archive", format: "gzip data", test: starts([0x1f, 0x8b]) },
  { kind: "archive", format: "bzip2 data", test: ascii("BZh") },
  { kind: "archive", format: "xz data", test: starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { kind: "archive", format: "7-Zip archive", test: starts([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
  { kind: "archive", format: "RAR archive", test: ascii("Rar!\x1a\x07") },
  { kind: "archive", format: "zstd data", test: starts([0x28, 0xb5, 0x2f, 0xfd]) },
  {
    kind: "archive",
    format: "tar archive",
    test: (b) => new TextDecoder("latin1").decode(b.subarray(257, 262)) === "ustar",
  },
  { kind: "database", format: "SQLite database", test: ascii("SQLite format 3\0") },
  { kind: "image", format: "PNG image", test: starts([0x89, 0x50, 0x4e, 0x47]) },
  { kind: "image", format: "JPEG image", test: starts([0xff, 0xd8, 0xff]) },
  { kind: "image", format: "GIF image", test: ascii("GIF8") },
  {
    kind: "image",
    format: "WebP image",
    test: (_, t) => t.startsWith("RIFF") && t.slice(8, 12) === "WEBP",
  },
  {
    kind: "image",
    format: "TIFF image",
    test: (b) => starts([0x49, 0x49, 0x2a, 0x00])(b) || starts([0x4d, 0x4d, 0x00, 0x2a])(b),
  },
  {
    kind: "mail",
    format: "e-mail message",
    test: (_, t) =>
      /^(From |Return-Path:|Received:|Delivered-To:|MIME-Version:|Message-ID:)/i.test(t),
  },
];

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const byte of sample) if (byte < 9 || (byte > 13 && byte < 32)) control++;
  return control === 0;
}

/** Recognises the content of `head` (the first bytes of a file). */
export function recogniseContent(head: Uint8Array): { kind: ContentKind; format: string } {
  if (head.length === 0) return { kind: "empty", format: "empty file" };
  const text = new TextDecoder("latin1").decode(head.subarray(0, 512));
  for (const signature of SIGNATURES) {
    if (signature.test(head, text)) return { kind: signature.kind, format: signature.format };
  }
  return looksLikeText(head)
    ? { kind: "text", format: "plain text" }
    : { kind: "unknown", format: "unrecognised binary data" };
}

/**
 * Decides whether a file with content `content` may be submitted under
 * `level`. At `safe` only program code (executables and scripts) qualifies,
 * and only when nothing in it looks like personal data: e-mail addresses,
 * names and home paths of this machine's people, phone, card, national-id
 * and bank numbers, private keys, in UTF-8, Latin-1 or UTF-16 text; and
 * nothing compressed or encoded that no search can look into (a gzip
 * stream or a base64 run inside a script). `truncated` says that `content` is only
 * the start of a larger file, which `safe` cannot clear. Everything else,
 * including what cannot be recognised, is held until a person consents.
 * `found` is what {@linkcode findPersonalData} found in `content`, when
 * the caller searched it already (in turns).
 */
export function decideSample(
  level: SampleLevel,
  content: Uint8Array,
  facts: MachineFacts,
  truncated = false,
  found?: readonly Finding[],
): SampleDecision {
  const { kind, format } = recogniseContent(content);
  const findings = level === "none" ? [] : [...(found ?? findPersonalData(content, facts))];
  const base = { level, kind, format, findings };
  if (level === "none") {
    return {
      ...base,
      submit: false,
      outcome: "keep",
      reason: "Sample submission is off (none): no file is submitted",
    };
  }
  if (level === "all") {
    return {
      ...base,
      submit: true,
      outcome: "submit",
      reason: `Every suspicious file may be submitted (all); this one is ${format}${
        findings.length > 0 ? `, and holds ${describeFindings(findings)}` : ""
      }`,
    };
  }
  const code = kind === "executable" || kind === "script";
  if (!code) {
    return {
      ...base,
      submit: false,
      outcome: "hold",
      reason: kind === "unknown" || kind === "text" || kind === "empty"
        ? `${format}${
          findings.length > 0 ? ` holding ${describeFindings(findings)}` : ""
        }: its content cannot be shown free of personal data, so it is held until a person consents`
        : `${format}${findings.length > 0 ? ` holding ${describeFindings(findings)}` : ""}: ${
          kind === "image" ? "an image" : `a ${kind}`
        } may hold personal data, so it is held until a person consents`,
    };
  }
  if (findings.length > 0) {
    const opaque = findings.filter((f) => UNCHECKABLE_KINDS.includes(f.kind));
    const personal = findings.filter((f) => !UNCHECKABLE_KINDS.includes(f.kind));
    return {
      ...base,
      submit: false,
      outcome: "hold",
      reason: personal.length > 0
        ? `${format} holding ${
          describeFindings(findings)
        }: it may carry personal data, so it is held until a person consents`
        : `${format} holding ${
          describeFindings(opaque)
        }, which vitrine cannot look into for personal data, so it is held until a person consents`,
    };
  }
  if (truncated) {
    return {
      ...base,
      submit: false,
      outcome: "hold",
      reason: `${format} larger than ${
        MAX_CHECKED_BYTES / 1048576
      } MiB: its content cannot be checked whole, so it is held until a person consents`,
    };
  }
  return {
    ...base,
    submit: true,
    outcome: "submit",
    reason: `${format}: program code, and nothing in its content looks like personal data`,
  };
}
