// Client island of the privacy page: says what a change will do, asks for
// confirmation, then sends it as JSON (the dashboard cookie carries the token).

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

for (const form of document.querySelectorAll<HTMLFormElement>("form[data-setting]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = form.dataset.setting!;
    const data = new FormData(form);
    const raw = data.get("value");
    const value = raw === "true" ? true : raw === "false" ? false : raw;
    const chosen = form.querySelector<HTMLInputElement>(`input[name="value"][value="${raw}"]`);
    const effect = chosen?.dataset.effect;
    if (effect && !confirm(effect)) return;
    const result = await send("/api/preferences", { key, value });
    if (result.ok) location.reload();
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
    if (result.ok) location.reload();
    else show(form, result.error ?? "The consent was not recorded", true);
  });
}
