// /robots.txt: crawlers are welcome on articles and categories, not in the
// editors', moderators' or members' pages, nor in personal feeds; the sitemap lists what to read.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicUrl } from "~/lib/urls.server";

export async function loader({ context }: LoaderFunctionArgs) {
  const body = ["User-agent: *", "Disallow: /admin", "Disallow: /moderation", "Disallow: /account", "Disallow: /feeds/", "", `Sitemap: ${publicUrl(context, "/sitemap.xml")}`, ""].join("\n");
  return new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=3600" } });
}
