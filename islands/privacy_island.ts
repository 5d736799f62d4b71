// Client island of the privacy and samples pages: says what a change will
// do as it is chosen, asks for confirmation in the page's dialog, then sends
// it as JSON (the dashboard cookie carries the token); sends a person's
// decision on a held sample.

async function send(path: string, body: unknown): Promise<{ ok: boolean; error?: string }> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  if (response.ok) return { ok: true };
  const payload = await response.json().catch(() => ({ error: response.statusText }));
  return { ok: false, error: payload.error ?? response.statusText };
}

function show(form: HTMLFormElement, text: string, bad: boolean): void {
  const output = form.querySelector<HTMLElement>("output, .result");
  if (output) {
    output.textContent = text;
    output.className = `result ${bad ? "bad" : "ok"}`;
  }
}

/**
 * Asks in the page's dialog whether to apply a change whose effect is
 * `effect`; true when the person chose Apply. The dialog takes the focus
 * (Cancel first) and gives it back where it was.
 */
function confirmChange(
  effect: string,
  words = { title: "Apply this change?", action: "Apply" },
): Promise<boolean> {
  const dialog = document.querySelector<HTMLDialogElement>("#confirm-change");
  if (!dialog) return Promise.resolve(false);
  dialog.querySelector("#confirm-effect")!.textContent = effect;
  dialog.querySelector("#confirm-title")!.textContent = words.title;
  dialog.querySelector<HTMLButtonElement>("button[value=apply]")!.textContent = words.action;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "apply"), {
      once: true,
    });
  });
}

/** Where a result waits across the reload that shows the page as it now is. */
const DONE_KEY = "vitrine.privacy.done";

/**
 * Reloads the page to show what is now in effect, keeping `text` to be
 * said in `form`'s live region once the page is back (a reload would
 * otherwise swallow it), with the focus there.
 */
/** The form's name across a reload. */
function formId(form: HTMLFormElement): string {
  return form.dataset.setting ??
    (form.dataset.sample ? "samples" : form.dataset.deletion ? "deletion" : "consent");
}

function doneThenReload(form: HTMLFormElement, text: string): void {
  const id = formId(form);
  sessionStorage.setItem(DONE_KEY, JSON.stringify({ id, text }));
  location.reload();
}

function sayWhatWasDone(): void {
  const stored = sessionStorage.getItem(DONE_KEY);
  if (!stored) return;
  sessionStorage.removeItem(DONE_KEY);
  const { id, text } = JSON.parse(stored) as { id: string; text: string };
  const form = [
    ...document.querySelectorAll<HTMLFormElement>(
      "form[data-setting], form[data-consent], form[data-deletion]",
    ),
  ]
    .find((f) => formId(f) === id);
  if (!form) {
    // A decided sample leaves the list: its result is said in the page's status line.
    const status = document.querySelector<HTMLElement>("#samples-status");
    if (id === "samples" && status) setTimeout(() => status.textContent = text, 100);
    return;
  }
  // Said after the page is in place, so that screen readers announce it.
  setTimeout(() => {
    show(form, text, false);
    form.querySelector<HTMLElement>("button[type=submit]")?.focus();
  }, 100);
}

sayWhatWasDone();

for (const form of document.querySelectorAll<HTMLFormElement>("form[data-setting]")) {
  // The effect of a choice is said as it is chosen (the output is a live region).
  form.addEventListener("change", (event) => {
    const input = event.target as HTMLInputElement;
    const label = input.closest("label")?.querySelector("strong")?.textContent ?? input.value;
    if (input.dataset.effect) show(form, `${label}: ${input.dataset.effect}`, false);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = form.dataset.setting!;
    const data = new FormData(form);
    const raw = data.get("value");
    const value = raw === "true" ? true : raw === "false" ? false : raw;
    const chosen = form.querySelector<HTMLInputElement>(`input[name="value"][value="${raw}"]`);
    const effect = chosen?.dataset.effect;
    if (effect && !await confirmChange(effect)) return;
    const result = await send("/api/preferences", { key, value });
    if (result.ok) doneThenReload(form, `Applied. ${effect ?? `${key} is now ${String(value)}.`}`);
    else show(form, result.error ?? "The change was refused", true);
  });
}

for (const form of document.querySelectorAll<HTMLFormElement>("form[data-consent]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    const granted = submitter?.value === "grant";
    const actor = (new FormData(form).get("actor") ?? "").toString();
    const result = await send("/api/consent", { granted, actor });
    if (result.ok) {
      doneThenReload(
        form,
        granted
          ? "Consent recorded."
          : "Consent withdrawn; the bundles gathered under it are deleted.",
      );
    } else show(form, result.error ?? "The consent was not recorded", true);
  });
}

for (const form of document.querySelectorAll<HTMLFormElement>("form[data-deletion]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const actor = (new FormData(form).get("actor") ?? "").toString();
    const confirmed = await confirmChange(form.dataset.effect ?? "", {
      title: "Delete this machine's diagnostic data?",
      action: "Delete",
    });
    if (!confirmed) return;
    const result = await send("/api/data/delete", { actor });
    if (result.ok) {
      doneThenReload(
        form,
        "Deleted. Only the record of the deletion stays; the backend is asked to delete its copy.",
      );
    } else show(form, result.error ?? "Nothing was deleted", true);
  });
}

for (const form of document.querySelectorAll<HTMLFormElement>("form[data-sample]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    const decision = submitter?.value === "approve" ? "approve" : "decline";
    const actor = (new FormData(form).get("actor") ?? "").toString();
    const id = encodeURIComponent(form.dataset.sample!);
    const result = await send(`/api/samples/${id}/${decision}`, { actor });
    if (result.ok) {
      doneThenReload(
        form,
        decision === "approve"
          ? "Approved: the sample is submitted shortly."
          : "Declined: the sample stays on this machine and is never submitted.",
      );
    } else show(form, result.error ?? "The decision was not recorded", true);
  });
}
