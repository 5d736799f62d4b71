/**
 * Where the dashboard may listen: an IP address of this machine, a loopback
 * one (the whole of 127.0.0.0/8, ::1, localhost), or every interface
 * (0.0.0.0, ::). The one rule for --listen and dashboard.listen.
 *
 * @module
 */

/** A listen address understood. */
export interface ListenAddress {
  /** As given (what Deno.serve binds to). */
  address: string;
  /** Reached from this machine only. */
  loopback: boolean;
  /** Every interface of the machine. */
  everywhere: boolean;
  /** How a browser on this machine writes the host of a URL to it ("[::1]", "127.0.0.2"). */
  urlHost: string;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return false;
  return URL.parse(`http://[${text}]/`) !== null;
}

/** What is wrong with `text` as a listen address, or null when it is one. */
export function listenAddressProblem(text: string): string | null {
  if (text === "localhost" || IPV4.test(text) || isIpv6(text)) return null;
  return `"${text}" is not an IP address: give an address of this machine (127.0.0.1 or another loopback address such as 127.0.0.2, ::1, or an interface's address), 0.0.0.0 or :: for every interface, or localhost`;
}

/** `text` understood as a listen address; null when it is none (see listenAddressProblem). */
export function parseListenAddress(text: string): ListenAddress | null {
  if (listenAddressProblem(text) !== null) return null;
  const everywhere = text === "0.0.0.0" || text === "::";
  const loopback = text === "localhost" || text.startsWith("127.") || text === "::1";
  const v6 = text.includes(":");
  return {
    address: text,
    loopback,
    everywhere,
    urlHost: everywhere ? (v6 ? "[::1]" : "127.0.0.1") : v6 ? `[${text}]` : text,
  };
}
