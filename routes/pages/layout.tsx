/**
 * The frame around every dashboard page.
 *
 * @module
 */
import { type ComponentChildren, createContext, type VNode } from "preact";
import { useContext } from "preact/hooks";
import type { Tier } from "../../catalog/types.ts";

/** The pages of the dashboard, in menu order. */
export const PAGES = [
  { path: "/", label: "Overview" },
  { path: "/events", label: "Events" },
  { path: "/charts", label: "Charts" },
  { path: "/catalog", label: "Catalogue" },
  { path: "/privacy", label: "Privacy" },
  { path: "/samples", label: "Samples" },
  { path: "/sent", label: "Sent" },
  { path: "/export", label: "Export" },
] as const;

/** What every page says about this machine and where its data goes, from the policy in effect. */
export interface Frame {
  hostname: string;
  /** The diagnostic level in effect. */
  level: Tier;
  /** The host events are sent to, or null while sending is off. */
  sendingTo: string | null;
  /** The host of the sample store samples may go to, or null while none may. */
  samplesTo: string | null;
}

/** The frame of the page being rendered (set once per response). */
export const FrameContext = createContext<Frame | null>(null);

/** The frame of the page being rendered; a page rendered outside one is a programming error. */
export function useFrame(): Frame {
  const frame = useContext(FrameContext);
  if (!frame) throw new Error("a dashboard page was rendered without its frame (renderPage)");
  return frame;
}

function Footer(): VNode {
  const frame = useFrame();
  return (
    <footer class="foot">
      {frame.sendingTo
        ? (
          <>
            vitrine keeps this data on this machine and sends what the {frame.level} level allows to
            {" "}
            <code>{frame.sendingTo}</code> only: <a href="/sent">see what left</a>.
          </>
        )
        : frame.samplesTo
        ? "vitrine keeps this data on this machine and sends no event."
        : "vitrine keeps this data on this machine. Sending is off: nothing leaves it."}
      {frame.samplesTo && (
        <>
          {" "}Samples the policy allows go to <code>{frame.samplesTo}</code> only:{" "}
          <a href="/samples">see the samples</a>.
        </>
      )}
    </footer>
  );
}

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  active: string;
  /** Client island bundles in /static (name without extension). */
  islands?: ("charts_island" | "privacy_island")[];
  /** Whether the page follows live updates. */
  live?: boolean;
  children: ComponentChildren;
}

/** The page frame: header, navigation, main. */
export function Layout(props: LayoutProps): VNode {
  const frame = useFrame();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · vitrine · ${frame.hostname}`}</title>
        <link rel="stylesheet" href="/static/vitrine.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        {props.islands?.includes("charts_island") && (
          <link rel="stylesheet" href="/static/charts_island.css" />
        )}
        {(props.islands ?? []).map((name) => (
          <script key={name} type="module" src={`/static/${name}.js`}></script>
        ))}
      </head>
      <body data-live={props.live ? "true" : undefined}>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <div class="brand">
            <img src="/static/favicon.svg" alt="" width="24" height="24" />
            <span>vitrine</span>
            <span class="host" title="Host name">{frame.hostname}</span>
          </div>
          <nav aria-label="Main">
            <ul>
              {PAGES.map((page) => (
                <li>
                  <a
                    href={page.path}
                    aria-current={props.active === page.path ? "page" : undefined}
                  >
                    {page.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <span class={`level level-${frame.level}`} title="Diagnostic level in effect">
            {frame.level}
          </span>
        </header>
        <main id="main" tabIndex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <Footer />
      </body>
    </html>
  );
}
