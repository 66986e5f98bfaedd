// EMBED_HOSTS: the news sites allowed to show the forum's threads in their pages
// (/embed, public/embed.js). Comma- or space-separated; each entry a host
// ("news.example.com"), a host and port ("localhost:8080"), or either with a
// scheme ("https://news.example.com") to allow that scheme alone. No wildcards:
// each site is named. The same list is the /embed page's CSP frame-ancestors
// and decides which page addresses may have a thread at all.

export interface EmbedHost {
  scheme: "http" | "https" | null;
  hostname: string;
  /** Null: the scheme's default port. */
  port: string | null;
}

const ENTRY = /^(?:(https?):\/\/)?((?:[a-z0-9-]+\.)*[a-z0-9-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?\/?$/i;

const parsed = new Map<string, EmbedHost[]>();

/** The allowlist from EMBED_HOSTS (empty: embedding is off). An entry that is not a host stops the start. */
export function embedHostsFromEnv(env: Record<string, string | undefined> = process.env): EmbedHost[] {
  const raw = env.EMBED_HOSTS ?? "";
  const known = parsed.get(raw);
  if (known) return known;
  const hosts = raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry): EmbedHost => {
      const match = ENTRY.exec(entry);
      if (!match) throw new Error(`EMBED_HOSTS: "${entry}" is not a host like news.example.com (or news.example.com:8080, https://news.example.com)`);
      const scheme = (match[1]?.toLowerCase() ?? null) as EmbedHost["scheme"];
      const defaultPort = scheme === "https" ? "443" : scheme === "http" ? "80" : null;
      const port = match[3] && match[3] !== defaultPort ? String(Number(match[3])) : null;
      return { scheme, hostname: match[2]!.toLowerCase(), port };
    });
  parsed.set(raw, hosts);
  return hosts;
}

/** Is this page address on an allowed host (scheme, name and port as the entry says)? */
export function isEmbedHostAllowed(address: string | URL, hosts: readonly EmbedHost[] = embedHostsFromEnv()): boolean {
  let url: URL;
  try {
    url = typeof address === "string" ? new URL(address) : address;
  } catch {
    return false;
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "http" && scheme !== "https") return false;
  return hosts.some((h) => h.hostname === url.hostname && (h.port ?? "") === url.port && (h.scheme === null || h.scheme === scheme));
}

/**
 * The /embed page's frame-ancestors sources: exactly the allowed hosts. A host
 * without a scheme matches as CSP says (the page's scheme, or https for an http page).
 * None allowed: 'none'.
 */
export function embedFrameAncestors(hosts: readonly EmbedHost[] = embedHostsFromEnv()): string {
  if (hosts.length === 0) return "'none'";
  return hosts.map((h) => `${h.scheme ? `${h.scheme}://` : ""}${h.hostname}${h.port ? `:${h.port}` : ""}`).join(" ");
}
