// The policies the soak writes to the managed file, in turn: valid ones at
// each level, sample submission off, sending off, invalid JSON, a file
// rewritten in place, a FIFO.
/** A policy the soak writes, and what it allows. */
export interface PolicyStep {
  name: string;
  /** Writes it (to `managed`). */
  write: (managed: string) => Promise<void>;
  optional: boolean;
  sending: boolean;
  /** Whether samples may be submitted (sending on, sample submission not none). */
  samples: boolean;
}

/** Where the soak's policies point the agent. */
export interface SoakPaths {
  receiverUrl: string;
  floodDir: string;
  clamavDir: string;
  /** Where the soak's suspicious files and ClamAV's detection log are. */
  samplesDir: string;
  /** The soak's clamd, which confirms detections (null: none here, so none is confirmed). */
  clamdSocket: string | null;
}

/** The managed file's text for `level`, sending on or off, sample submission at `samples`. */
export function policyText(
  paths: SoakPaths,
  level: string,
  enabled: boolean,
  samples = "all",
): string {
  return JSON.stringify({
    cloudService: {
      enabled,
      serviceUri: paths.receiverUrl,
      diagnosticLevel: level,
      automaticSampleSubmissionConsent: samples,
      timeout: 2,
    },
    samples: {
      detectionLog: `${paths.samplesDir}/clamd.log`,
      submissionUri: `${paths.receiverUrl}/samples`,
      checkInterval: 1,
      clamdSocket: paths.clamdSocket,
    },
    connectionRetryTimeout: 2,
    retention: { maxSizeMB: 16 },
    fileActivity: { paths: [paths.floodDir] },
    securityIntelligence: { databaseDirectory: paths.clamavDir, checkInterval: 2 },
  });
}

/** Replaces `path` whole, as an administrator's tool would. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.new`, text);
  await Deno.rename(`${path}.new`, path);
}

/** The steps, in the order the soak takes them; the first is the stable one. */
export function policySteps(paths: SoakPaths): PolicyStep[] {
  const valid = (level: string, enabled: boolean, samples = "all") => (path: string) =>
    writeAtomically(path, policyText(paths, level, enabled, samples));
  const on = { sending: true, samples: true };
  return [
    { name: "optional, sending", write: valid("optional", true), optional: true, ...on },
    { name: "required (lowered)", write: valid("required", true), optional: false, ...on },
    {
      name: "sample submission none",
      write: valid("optional", true, "none"),
      optional: true,
      sending: true,
      samples: false,
    },
    { name: "optional again", write: valid("optional", true), optional: true, ...on },
    {
      name: "cloud off",
      write: valid("optional", false),
      optional: false,
      sending: false,
      samples: false,
    },
    { name: "optional, sending", write: valid("optional", true), optional: true, ...on },
    {
      name: "invalid JSON",
      write: (path) => writeAtomically(path, '{"cloudService": {"diagnosticLevel": '),
      optional: false,
      sending: false,
      samples: false,
    },
    {
      name: "rewritten in place (empty, then valid)",
      write: async (path) => {
        const file = await Deno.open(path, { write: true, truncate: true, create: true });
        await new Promise((resolve) => setTimeout(resolve, 300));
        await file.write(new TextEncoder().encode(policyText(paths, "optional", true)));
        file.close();
      },
      optional: true,
      ...on,
    },
    {
      name: "a FIFO as the managed file",
      write: async (path) => {
        await Deno.remove(path).catch(() => {});
        await new Deno.Command("mkfifo", { args: [path] }).output();
      },
      optional: false,
      sending: false,
      samples: false,
    },
    { name: "optional, sending", write: valid("optional", true), optional: true, ...on },
  ];
}
