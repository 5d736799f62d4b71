/**
 * Small presentational pieces shared by the pages.
 *
 * @module
 */
import { type ComponentChildren, toChildArray, type VNode } from "preact";
import { MAX_ACTOR_LENGTH } from "../../policy/actor_name.ts";

/**
 * A padlock drawn in the text's colour, for settings an administrator
 * manages: an emoji would be an empty box on a system without an emoji
 * font. Decorative (the words beside it say "managed").
 */
export function LockIcon(): VNode {
  return (
    <svg
      class="icon"
      viewBox="0 0 16 16"
      width="1em"
      height="1em"
      aria-hidden="true"
      focusable="false"
    >
      <path
        fill="currentColor"
        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 3.5a2 2 0 1 1 4 0V7H6V4.5Z"
      />
    </svg>
  );
}

/** A titled panel. */
export function Card(props: { title: string; wide?: boolean; children: ComponentChildren }): VNode {
  return (
    <section class={props.wide ? "card wide" : "card"} aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A horizontal gauge of `used` out of `total`, drawn in SVG. */
export function Meter(props: { label: string; used: number; total: number; text: string }): VNode {
  const share = props.total > 0 ? Math.min(1, Math.max(0, props.used / props.total)) : 0;
  const tone = share > 0.9 ? "bad" : share > 0.75 ? "warn" : "ok";
  return (
    <div class="meter">
      <div class="meter-head">
        <span>{props.label}</span>
        <span class="muted">{props.text}</span>
      </div>
      <svg
        viewBox="0 0 100 6"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${props.label}: ${Math.round(share * 100)}%`}
      >
        <rect x="0" y="0" width="100" height="6" rx="3" class="meter-track" />
        <rect
          x="0"
          y="0"
          width={(share * 100).toFixed(2)}
          height="6"
          rx="3"
          class={`meter-fill ${tone}`}
        />
      </svg>
    </div>
  );
}

/** A two-column table of names and values. */
export function Facts(props: { rows: [string, ComponentChildren][] }): VNode {
  return (
    <dl class="facts">
      {props.rows.map(([name, value]) => (
        <>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

/**
 * A scrollable table with column headers; `children` are its body rows.
 * With no rows, `empty` (when given) is shown instead of the table.
 */
export function DataTable(
  props: {
    headers: readonly ComponentChildren[];
    empty?: ComponentChildren;
    /** What the table holds, read first by screen readers; every table has one. */
    caption: ComponentChildren;
    captionId?: string;
    compact?: boolean;
    children: ComponentChildren;
  },
): VNode {
  if (props.empty !== undefined && toChildArray(props.children).length === 0) {
    return <>{props.empty}</>;
  }
  return (
    <div class="table-wrap">
      <table
        class={props.compact ? "compact" : undefined}
        aria-describedby={props.captionId}
      >
        <caption id={props.captionId}>{props.caption}</caption>
        <thead>
          <tr>
            {props.headers.map((header, i) => <th key={i} scope="col">{header}</th>)}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A tier label. */
export function TierBadge(props: { tier: string }): VNode {
  return <span class={`tier tier-${props.tier}`}>{props.tier}</span>;
}

/** Horizontal bars, one per row, scaled to the largest value. */
export function Bars(
  props: { rows: { label: string; values: { tier: string; value: number }[] }[] },
): VNode {
  const max = Math.max(1, ...props.rows.map((row) => row.values.reduce((s, v) => s + v.value, 0)));
  return (
    <ul class="bars">
      {props.rows.map((row) => {
        const total = row.values.reduce((s, v) => s + v.value, 0);
        let x = 0;
        return (
          <li>
            <span class="bar-label">{row.label}</span>
            <svg
              viewBox="0 0 100 10"
              preserveAspectRatio="none"
              role="img"
              aria-label={`${row.label}: ${total}`}
            >
              {row.values.map((v) => {
                const width = (v.value / max) * 100;
                const rect = (
                  <rect
                    x={x.toFixed(2)}
                    y="0"
                    width={width.toFixed(2)}
                    height="10"
                    class={`fill-${v.tier}`}
                  />
                );
                x += width;
                return rect;
              })}
            </svg>
            <span class="bar-value">{total.toLocaleString("en-US")}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** A table cell holding a machine word (a signature, an address, a digest). */
export function CodeCell(props: { hash?: boolean; children: ComponentChildren }): VNode {
  return (
    <td>
      <code class={props.hash ? "hash" : undefined}>{props.children}</code>
    </td>
  );
}

/**
 * A person's decision: their name and two buttons, the first to allow and
 * the second to refuse; `data` names what it decides for the page's script,
 * which announces the result in the live region.
 */
export function DecisionForm(props: {
  data: Record<string, string>;
  label: string;
  allow: [value: string, text: string];
  refuse: [value: string, text: string];
}): VNode {
  return (
    <form {...props.data} aria-label={props.label}>
      <label class="field">
        Your name
        <input type="text" name="actor" required maxLength={MAX_ACTOR_LENGTH} autoComplete="name" />
      </label>
      <button type="submit" name="decision" value={props.allow[0]}>{props.allow[1]}</button>{" "}
      <button type="submit" name="decision" value={props.refuse[0]} class="secondary">
        {props.refuse[1]}
      </button>
      <output class="result" aria-live="polite"></output>
    </form>
  );
}
