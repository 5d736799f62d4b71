/**
 * The frame around every dashboard page.
 *
 * @module
 */
import type { ComponentChildren, VNode } from "preact";

/** The pages of the dashboard, in menu order. */
export const PAGES = [
  { path: "/", label: "Overview" },
  { path: "/events", label: "Events" },
  { path: "/charts", label: "Charts" },
  { path: "/catalog", label: "Catalogue" },
  { path: "/privacy", label: "Privacy" },
  { path: "/export", label: "Export" },
] as const;

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  active: string;
  hostname: string;
  level: string;
  /** Client island bundles in /static (name without extension). */
  islands?: ("charts_island" | "privacy_island")[];
  /** Whether the page follows live updates. */
  live?: boolean;
  children: ComponentChildren;
}

/** The page frame: header, navigation, main. */
export function Layout(props: LayoutProps): VNode {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · vitrine · ${props.hostname}`}</title>
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
            <span class="host" title="Host name">{props.hostname}</span>
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
          <span class={`level level-${props.level}`} title="Diagnostic level in effect">
            {props.level}
          </span>
        </header>
        <main id="main" tabIndex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <footer class="foot">
          vitrine keeps this data on this machine. Nothing here is sent anywhere.
        </footer>
      </body>
    </html>
  );
}
