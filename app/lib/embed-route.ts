// Which routes render as the embed (app/routes/embed.tsx): a page without the site's
// header and footer, framed by the news sites of EMBED_HOSTS (see entry.server.tsx),
// and without Remix's scripts (a plain HTML form and one small script of its own).
// A route says so with `export const handle = EMBED_HANDLE`. Safe to import anywhere.

export const EMBED_HANDLE = Object.freeze({ embed: true });

interface MatchLike {
  handle?: unknown;
}

export function isEmbedMatch(matches: readonly MatchLike[]): boolean {
  return matches.some((m) => typeof m.handle === "object" && m.handle !== null && (m.handle as { embed?: unknown }).embed === true);
}

/** From Remix's server entry context: is the rendered route the embed? */
export function isEmbeddable(context: {
  staticHandlerContext: { matches: readonly { route: { id: string } }[] };
  routeModules: Record<string, { handle?: unknown } | undefined>;
}): boolean {
  return isEmbedMatch(context.staticHandlerContext.matches.map((m) => ({ handle: context.routeModules[m.route.id]?.handle })));
}
