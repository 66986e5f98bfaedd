// A stand-in news site for trying the embed on a trial install: plain pages on
// another origin (http://localhost:8090) with the README's snippet under each
// article. Start the forum with EMBED_HOSTS=localhost:8090, then this:
//
//   EMBED_HOSTS=localhost:8090 npm start      # the forum, on :3000
//   npm run embed:demo                         # this site, on :8090 (FORUM_URL, EMBED_DEMO_PORT to change)
//
// The seed gave the Baogang article this site's address, so its page shows that
// thread; the second page has no article yet (see "Embedding" in the README).
import http from "node:http";
import { EMBED_DEMO_ARTICLE_PATH, EMBED_DEMO_ORIGIN } from "../db/seed";

const port = Number(process.env.EMBED_DEMO_PORT ?? new URL(EMBED_DEMO_ORIGIN).port);
const site = `http://localhost:${port}`;
const forum = (process.env.FORUM_URL ?? "http://localhost:3000").replace(/\/$/, "");
const NEW_PAGE_PATH = "/2026/a-page-without-a-thread-yet";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function page(title: string, lede: string, pageUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(title)}: Rare Earth Daily</title>
  <meta property="og:title" content="${escape(title)}">
  <meta property="og:description" content="${escape(lede)}">
  <meta property="og:site_name" content="Rare Earth Daily">
  <link rel="canonical" href="${escape(pageUrl)}">
  <style>body{font-family:Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem}header a{color:inherit}</style>
</head>
<body>
  <header><p><a href="/">Rare Earth Daily</a>: a stand-in news site</p></header>
  <article>
    <h1>${escape(title)}</h1>
    <p>${escape(lede)}</p>
  </article>
  <div id="assay-thread" data-url="${escape(pageUrl)}" data-title="${escape(title)}"></div>
  <script src="${escape(forum)}/embed.js" async></script>
  <noscript><a href="${escape(forum)}/embed?url=${encodeURIComponent(pageUrl)}">Discuss on the forum</a></noscript>
</body>
</html>`;
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? "/", site).pathname;
  const send = (status: number, html: string) => {
    res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  };
  // The seed's canonical URL is on :8090; on another port this page keeps naming it.
  if (path === EMBED_DEMO_ARTICLE_PATH) {
    return send(200, page("Baogang orders safety and environmental inspections at key mines", "The news site's own article page, with the forum's thread under it.", `${EMBED_DEMO_ORIGIN}${EMBED_DEMO_ARTICLE_PATH}`));
  }
  if (path === NEW_PAGE_PATH) {
    return send(200, page("A page without a thread yet", "No article has this address: the editors' setting at /admin/embedding decides what the frame shows.", `${site}${NEW_PAGE_PATH}`));
  }
  if (path === "/") {
    return send(
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rare Earth Daily</title></head><body>` +
        `<h1>Rare Earth Daily</h1><ul><li><a href="${EMBED_DEMO_ARTICLE_PATH}">An article with a thread</a></li>` +
        `<li><a href="${NEW_PAGE_PATH}">A page without a thread yet</a></li></ul></body></html>`,
    );
  }
  send(404, "<!doctype html><title>Not found</title><p>Not found.</p>");
});

server.listen(port, "127.0.0.1", () => {
  // The seeded article's address stays on the default port, so that host must be allowed too.
  const hosts = [...new Set([`localhost:${port}`, new URL(EMBED_DEMO_ORIGIN).host])].join(",");
  console.log(`[embed-demo] a stand-in news site on ${site}, embedding threads from ${forum} (start the forum with EMBED_HOSTS=${hosts})`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => server.close(() => process.exit(0)));
