// A sample row for tests that put samples in the database directly.
import type { NewSample } from "../../store/sample_queries.ts";
import type { SampleState } from "../../store/schema.ts";

/** A queued-for-submission-shaped row with `id` in `state`, with `changes` on top. */
export function sampleRow(
  id: string,
  state: SampleState,
  changes: Partial<NewSample> = {},
): NewSample {
  return {
    id,
    detected_at: Date.now(),
    signature: "Sig-1",
    sha256: null,
    size: null,
    file_type: "script with interpreter line",
    path: null,
    copy: null,
    decision: "submit",
    findings: "",
    reason: "test",
    state,
    ...changes,
  };
}
