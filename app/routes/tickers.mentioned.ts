// The comment form asks, as the person types, which known tickers their cashtags
// name (and, for a member, their own default answers): GET /tickers/mentioned?tag=$LYC&tag=$MP.
// No cache tag: never kept by the guest page cache; a member's defaults are theirs alone.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getCurrentUser } from "~/composition/session.server";
import { tickersMentioned } from "~/models/tickers.server";
import { getDisclosureDefaults } from "~/models/disclosures.server";
import { getModerationSettings } from "~/models/moderation-settings.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = context;
  const url = new URL(request.url);
  // Only cashtags go in; anything else in a tag is ignored by the reader.
  const text = url.searchParams
    .getAll("tag")
    .slice(0, 20)
    .map((tag) => tag.slice(0, 30))
    .join(" ");
  const user = await getCurrentUser(request, context);
  const [tickers, settings] = await Promise.all([tickersMentioned(db, text), getModerationSettings(db)]);
  const defaults = user && tickers.length ? await getDisclosureDefaults(db, user.id, tickers.map((t) => t.id)) : [];
  return json(
    {
      tickers,
      required: settings.disclosureRequired,
      defaults: Object.fromEntries(defaults.map((d) => [d.tickerId, { position: d.position, connected: d.connected }])),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}
