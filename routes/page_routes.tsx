/**
 * The dashboard pages, rendered on the server with Preact.
 *
 * @module
 */
import { InputError } from "../input/input_error.ts";
import { type Context, Hono } from "hono";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";
import { buildHealth } from "../agent/health.ts";
import { allowedTiers } from "../policy/tiers.ts";
import type { Tier } from "../catalog/types.ts";
import { latestConsent } from "../store/consent_queries.ts";
import { countByTier, countByType, oldestEventTime } from "../store/count_queries.ts";
import { listEvents } from "../store/event_queries.ts";
import { CHART_RANGES, CHARTED_TYPES, defaultRange } from "../catalog/charts.ts";
import { pageOfEvents, parseEventId, visibleEvent } from "./_event_pages.ts";
import type { AppDeps } from "./app_deps.ts";
import type { Policy } from "../policy/policy.ts";
import { parseFilter, type UserFilter } from "../input/parse_filter.ts";
import { CatalogPage } from "./pages/catalog_page.tsx";
import { ChartsPage } from "./pages/charts_page.tsx";
import { EventPage } from "./pages/event_page.tsx";
import { EventsPage } from "./pages/events_page.tsx";
import { ExportPage } from "./pages/export_page.tsx";
import { OverviewPage } from "./pages/overview_page.tsx";
import { PrivacyPage } from "./pages/privacy_page.tsx";
import { SamplesPage } from "./pages/samples_page.tsx";
import { SentPage } from "./pages/sent_page.tsx";
import { sampleDestination } from "../policy/tiers.ts";
import { sampleReport } from "../samples/sample_view.ts";
import { submittedBytesInWindow } from "../store/sample_queries.ts";
import { type Frame, FrameContext } from "./pages/layout.tsx";
import { sendingTo, tierOf } from "../policy/tiers.ts";
import { partsJourney } from "../store/delivery_queries.ts";
import { parseSentPage, sentReport } from "./sent_report.ts";
import { deletionFacts } from "./deletion_facts.ts";
import { sentLogFacts } from "./sent_log_facts.ts";

/** Renders a page as a complete HTML document, in the frame of the policy in effect. */
export function renderPage(page: VNode, frame: Frame): string {
  return `<!doctype html>${
    render(<FrameContext.Provider value={frame}>{page}</FrameContext.Provider>)
  }`;
}

/** The host samples may go to under `policy`, or null. */
function samplesHost(policy: Policy): string | null {
  const destination = sampleDestination(policy);
  return "url" in destination ? destination.url.host : null;
}

/** A page as a complete document in the frame of `policy` (default: the policy in effect). */
type Html = (page: VNode, policy?: Policy) => string;

/** Answers one page's request. */
type PageHandler = (c: Context, deps: AppDeps, html: Html) => Promise<Response> | Response;

async function overview(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  const policy = deps.policy();
  const allowed = allowedTiers(policy, "show");
  const [health, byType, system, kernel, oldest] = await Promise.all([
    buildHealth(deps.store, deps.dataDir, policy, deps.status()),
    countByType(deps.store.db, { allowed }),
    listEvents(deps.store.db, { allowed, type: "system_statistics", limit: 1 }),
    listEvents(deps.store.db, { allowed, type: "kernel_statistics", limit: 1 }),
    oldestEventTime(deps.store.db, CHARTED_TYPES),
  ]);
  return c.html(html(
    <OverviewPage
      identity={deps.identity()}
      health={health}
      byType={byType}
      latestSystem={system[0]}
      latestKernel={kernel[0]}
      range={defaultRange(oldest)}
    />,
    policy,
  ));
}

async function events(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  const query = c.req.query();
  let filter: UserFilter = {};
  let error: string | undefined;
  try {
    filter = parseFilter(query);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    error = e.message;
  }
  const page = error ? { events: [], next: null } : await pageOfEvents(deps, filter);
  return c.html(
    html(<EventsPage filter={filter} query={query} {...page} {...(error ? { error } : {})} />),
    error ? 400 : 200,
  );
}

async function oneEvent(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  const id = parseEventId(c.req.param("id") ?? "");
  const event = id === null ? undefined : await visibleEvent(deps, id);
  if (!event) {
    return c.html(
      html(
        <EventsPage
          filter={{}}
          query={{}}
          events={[]}
          next={null}
          error={`No event "${c.req.param("id")}" is stored, or the policy withholds all of it.`}
        />,
      ),
      404,
    );
  }
  const view: Tier = tierOf(c.req.query("view"));
  return c.html(html(
    <EventPage event={event} view={view} journey={await partsJourney(deps.store.db, event.id)} />,
  ));
}

async function charts(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  const asked = c.req.query("range");
  const chosen = asked !== undefined && asked in CHART_RANGES;
  const range = chosen ? asked : defaultRange(await oldestEventTime(deps.store.db, CHARTED_TYPES));
  return c.html(html(<ChartsPage range={range} fit={!chosen} />));
}

function catalog(c: Context, deps: AppDeps, html: Html): Response {
  const policy = deps.policy();
  return c.html(html(
    <CatalogPage
      context={{
        level: policy.level,
        subsystem: deps.status()?.subsystem.subsystem,
        realTime: policy.get("antivirusEngine.enableRealTimeProtection"),
      }}
    />,
    policy,
  ));
}

async function privacy(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  const policy = deps.policy();
  return c.html(html(
    <PrivacyPage
      policy={policy}
      optionalRecords={(await countByTier(deps.store.db)).optional}
      consent={await latestConsent(deps.store.db, "support_logs")}
      deletion={await deletionFacts(deps, policy)}
    />,
    policy,
  ));
}

async function samples(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  const policy = deps.policy();
  const [report, held, used] = await Promise.all([
    sampleReport(deps.store.db, policy, { limit: 100 }),
    sampleReport(deps.store.db, policy, { states: ["held"], limit: 100 }),
    submittedBytesInWindow(deps.store.db),
  ]);
  const destination = sampleDestination(policy);
  return c.html(html(
    <SamplesPage
      report={report}
      held={held.samples}
      level={policy.get("cloudService.automaticSampleSubmissionConsent")}
      destination={"url" in destination ? { host: destination.url.host } : destination}
      daily={{ used, cap: policy.get("samples.maxDailyMB") * 1024 * 1024 }}
      expiryDays={policy.get("samples.consentExpiryDays")}
      showsPaths={allowedTiers(policy, "show").includes("optional")}
    />,
    policy,
  ));
}

async function sent(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  const policy = deps.policy();
  let page;
  try {
    page = parseSentPage({ limit: c.req.query("limit"), before: c.req.query("before") });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return c.json({ error: error.message }, 400);
  }
  const retryAt = deps.status()?.sendRetryAt ?? null;
  return c.html(html(
    <SentPage
      report={await sentReport(deps.store.db, policy, page, retryAt)}
      log={await sentLogFacts(deps)}
    />,
    policy,
  ));
}

async function exportPage(c: Context, deps: AppDeps, html: Html): Promise<Response> {
  return c.html(html(<ExportPage counts={await countByTier(deps.store.db)} />));
}

/** Every page, by path. */
const PAGES: readonly [string, PageHandler][] = [
  ["/", overview],
  ["/events", events],
  ["/events/:id", oneEvent],
  ["/charts", charts],
  ["/catalog", catalog],
  ["/privacy", privacy],
  ["/samples", samples],
  ["/sent", sent],
  ["/export", exportPage],
];

/** The page sub-app. */
export function pageRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  // A page's frame shows the policy its data was read under, where the handler read one.
  const html: Html = (page, policy = deps.policy()) =>
    renderPage(page, {
      hostname: deps.identity().hostname,
      level: policy.level,
      sendingTo: sendingTo(policy)?.host ?? null,
      samplesTo: samplesHost(policy),
    });
  for (const [path, handler] of PAGES) app.get(path, (c) => handler(c, deps, html));
  return app;
}
