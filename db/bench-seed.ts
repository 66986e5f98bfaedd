// Seeding at scale for `npm run bench` and `npm run bench:seed`: categories,
// thousands of articles, a million comments in threads of 0 to 10,000 (a long
// tail, replies nested), a hundred thousand members.
//
// Speed comes from large multi-row inserts (`insert … select from unnest($1::int[], …)`,
// tens of thousands of rows a statement), two connections in parallel, ids chosen
// here (so parents and thread roots are known without asking), and Markdown
// rendered once per distinct body, not once per row. Deterministic: the same
// options give the same rows, so two databases seeded alike show identical pages.
import pg from "pg";
import { markdownToText, renderArticleMarkdown, renderCommentMarkdown } from "../app/lib/markdown.server";
import { hashPassword } from "../app/lib/passwords.server";
import { SEED_CATEGORIES } from "./seed";

/** Articles the bench measures, by slug. */
export const BENCH_SLUGS = {
  /** Exactly 200 approved comments: 50 top-level, 150 replies, every one on the first page. */
  hot: "bench-hot-article-200-comments",
  /** The big thread (10,000 comments at full scale). */
  big: "bench-big-thread",
  /** Where the bench posts comments. */
  post: "bench-post-target",
} as const;

/** The tickers seeded, [symbol, exchange, company, aliases]; the first gets half of all mentions. */
export const BENCH_TICKERS: [string, string, string, string[]][] = [
  ["LYC", "ASX", "Lynas Rare Earths", ["LYC.AX"]],
  ["MP", "NYSE", "MP Materials", []],
  ["600111", "SSE", "China Northern Rare Earth", []],
  ["ILU", "ASX", "Iluka Resources", ["ILU.AX"]],
  ["ARU", "ASX", "Arafura Rare Earths", ["ARU.AX"]],
  ["UUUU", "NYSE", "Energy Fuels", []],
];

export const BENCH_MEMBER_PASSWORD = "bench-password-not-secret";
/** Emails of guests who had a comment approved (their next one is published at once). */
export const benchGuestEmail = (n: number) => `guest${n}@bench.example`;

export interface BenchSeedOptions {
  articles: number;
  comments: number;
  members: number;
  /** Share of all comments left pending (the moderation queue). Default 0.1. */
  pendingShare?: number;
  /** Size of the big thread; default min(10,000, comments / 5). 0: none. */
  bigThread?: number;
  /** Parallel connections. Default 2. */
  workers?: number;
  /** Rows per insert statement. Default 20,000. */
  batchSize?: number;
  log?: (message: string) => void;
  now?: Date;
}

export interface BenchSeedResult {
  articles: number;
  comments: number;
  approved: number;
  pending: number;
  members: number;
  /** Milliseconds spent: members, articles, comments, tickers and mentions, vacuum/analyze. */
  timings: { members: number; articles: number; comments: number; tickers: number; vacuum: number; total: number };
  bigThreadSize: number;
}

// --- deterministic randomness -------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

// --- names and words ----------------------------------------------------------

const FIRST = ["Margaret", "David", "Aiko", "Lars", "Priya", "Tomás", "Chen", "Olu", "Fatima", "Ivan", "Sofia", "Kwame", "Elena", "Raj", "Hannah", "Mateo", "Yuki", "Grace", "Omar", "Ingrid", "Pedro", "Mei", "Jonas", "Amara", "Luca", "Nadia", "Ben", "Leila", "Sven", "Rosa", "Kenji", "Zara", "Felix", "Anya", "Diego", "Noor", "Paul", "Keiko", "Tariq", "Maya"];
const LAST = ["Chen", "Okafor", "Lindqvist", "Sharma", "García", "Tanaka", "Müller", "Nguyen", "Rossi", "Kowalski", "Haddad", "Mensah", "Petrov", "Silva", "Park", "Dubois", "Novak", "Cohen", "Andersen", "Moreau", "Kaur", "Fischer", "Yilmaz", "Costa", "Walsh", "Ito", "Mbeki", "Jensen", "Romero", "Sato", "Ahmed", "Brennan", "Varga", "Lopez", "Hughes", "Berg", "Abe", "Ortiz", "Kim", "Reid", "Mora", "Lund", "Khan", "Patel", "Schmidt", "Young", "Baker", "Ruiz", "Olsen", "Marsh"];

const memberName = (i: number) => `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
const guestName = (i: number) => `${FIRST[(i * 7 + 3) % FIRST.length]} ${LAST[(i * 13 + 5) % LAST.length]}.`;

const SENTENCES = [
  "NdPr oxide prices have been range-bound for months, and this could be the catalyst that breaks them out.",
  "Inspection campaigns usually mean a few weeks of slower throughput, then output catches up.",
  "The market keeps underestimating how concentrated separation capacity still is.",
  "I would like to see the actual export licence numbers before drawing conclusions.",
  "Offtake agreements with magnet makers matter more than headline resource estimates.",
  "Baiyun Obo is a by-product operation first, which changes how it responds to price signals.",
  "Western processors are years away from meaningful heavy rare earth volumes.",
  "Dysprosium and terbium are where the real supply risk sits, not the light rare earths.",
  "Margins at the mine gate look thin once you account for reagent and power costs.",
  "Stockpiling by end users could mask a real shortage for a quarter or two.",
  "Permitting timelines in the US and Australia remain the binding constraint.",
  "This reads like routine messaging, but the timing is interesting given the quota cycle.",
  "Recycling will help at the margin, but it will not close the gap this decade.",
  "Watch the spread between domestic and export prices; it tells you more than any statement.",
  "Safety campaigns have shut smaller operators before, and that tends to consolidate the sector.",
  "Has anyone compared this with the 2011 episode? The parallels are not exact.",
  "Capital discipline among the juniors would be a welcome change.",
  "Magnet demand from wind turbines is lumpier than EV demand, which confuses the forecasts.",
  "I am long the processors and short the explorers, and this does not change that.",
  "Environmental rules are a cost, but they are also a moat for the producers who can meet them.",
];
const LINKS = ["https://example.com/market-note", "https://example.org/quota-tracker", "https://example.net/price-chart"];

function commentBody(random: () => number, n: number): string {
  const paragraphs: string[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let p = 0; p < count; p++) {
    const sentences: string[] = [];
    const length = 1 + Math.floor(random() * 3);
    for (let s = 0; s < length; s++) sentences.push(pick(random, SENTENCES));
    let text = sentences.join(" ");
    const style = random();
    if (style < 0.15) text = text.replace(/^(\S+ \S+)/, "**$1**");
    else if (style < 0.25) text = `> ${text}`;
    else if (style < 0.32) text = `${text} More here: [a note](${pick(random, LINKS)}).`;
    else if (style < 0.38) text = `- ${sentences.join("\n- ")}`;
    paragraphs.push(text);
  }
  return `${paragraphs.join("\n\n")} (#${n})`;
}

const ARTICLE_TOPICS = ["Export licences", "Separation capacity", "Magnet supply", "Mine inspections", "Heavy rare earths", "Price outlook", "Recycling", "Offtake deals", "Quota season", "Processing costs"];
const ARTICLE_PLACES = ["Inner Mongolia", "Western Australia", "Jiangxi", "Myanmar", "California", "Malaysia", "Greenland", "Texas", "Brazil", "Vietnam"];

function articleBody(random: () => number): { markdown: string; highlights: string[] } {
  const paragraphs: string[] = [];
  for (let p = 0; p < 6; p++) {
    const sentences: string[] = [];
    for (let s = 0; s < 4; s++) sentences.push(pick(random, SENTENCES));
    paragraphs.push(sentences.join(" "));
  }
  paragraphs.splice(3, 0, "What to watch:\n\n1. Output figures for the next quarter.\n2. Export licence approvals.\n3. Prices of NdPr oxide and dysprosium.");
  paragraphs.push(`Background reading: [the industry's own figures](${pick(random, LINKS)}).`);
  return { markdown: paragraphs.join("\n\n"), highlights: [pick(random, SENTENCES), pick(random, SENTENCES), pick(random, SENTENCES)] };
}

// --- the plan -----------------------------------------------------------------

interface ArticlePlan {
  index: number;
  id: number;
  slug: string;
  title: string;
  template: number;
  publishedAt: Date;
  categoryIds: number[];
  /** Comments to write, and the first comment id of its range. */
  size: number;
  firstCommentId: number;
  kind: "hot" | "big" | "post" | "regular";
  pendingShare: number;
}

const DAY = 86_400_000;
const ARTICLE_TEMPLATES = 40;
const COMMENT_BODIES = 1500;
const GUESTS = 50_000;

/** Thread sizes of the ordinary articles: many with none, most with a few, a long tail up to 10,000. */
function threadSizes(count: number, wanted: number, random: () => number): number[] {
  if (count <= 0) return [];
  const cap = 10_000;
  const total = Math.min(wanted, count * cap);
  const raw = Array.from({ length: count }, () => (random() < 0.3 ? 0 : Math.exp(2.2 + 1.7 * gaussian(random))));
  // Scale to the total, capping each thread and spreading what the cap removed.
  let sizes = raw.map(() => 0);
  let factor = total / Math.max(1, raw.reduce((a, b) => a + b, 0));
  for (let round = 0; round < 20; round++) {
    sizes = raw.map((r) => Math.min(cap, Math.floor(r * factor)));
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum >= total || sum === 0) break;
    factor *= total / sum;
  }
  // Exact total: one comment more or less per article in turn (empty ones last).
  let sum = sizes.reduce((a, b) => a + b, 0);
  let fillEmpty = false;
  while (sum !== total) {
    let moved = false;
    for (let i = 0; i < count && sum !== total; i++) {
      if (sum > total && sizes[i]! > 0) {
        sizes[i]!--;
        sum--;
        moved = true;
      } else if (sum < total && sizes[i]! < cap && (sizes[i]! > 0 || fillEmpty)) {
        sizes[i]!++;
        sum++;
        moved = true;
      }
    }
    if (!moved) fillEmpty = true;
  }
  return sizes;
}

interface CommentBatch {
  id: number[];
  article_id: number[];
  parent_id: (number | null)[];
  root_id: (number | null)[];
  status: string[];
  author_name: string[];
  author_email: string[];
  body: number[];
  created_at: string[];
  user_id: (number | null)[];
}

const emptyBatch = (): CommentBatch => ({
  id: [],
  article_id: [],
  parent_id: [],
  root_id: [],
  status: [],
  author_name: [],
  author_email: [],
  body: [],
  created_at: [],
  user_id: [],
});

/** The comments of one article, in time order (ids rise with time). */
function generateThread(plan: ArticlePlan, members: { firstId: number; count: number }, now: number, push: (row: CommentRow) => void): void {
  const random = mulberry32(plan.index * 2654435761 + 17);
  const age = now - plan.publishedAt.getTime();
  const span = Math.max(60_000, Math.min(age - 60_000, plan.kind === "regular" ? 3 * DAY : age - 60_000));
  const roots: number[] = []; // id of each comment's root (itself for a top-level one), by position
  const approvedPositions: number[] = [];
  // The hot article: exactly 50 top-level comments and 150 replies, at most 5 replies under each (all on the first page).
  const hotShape = plan.kind === "hot" ? hotSequence(random) : null;
  const groupSize = new Map<number, number>();
  const groups = new Map<number, number[]>();

  for (let i = 0; i < plan.size; i++) {
    const id = plan.firstCommentId + i;
    const at = plan.publishedAt.getTime() + 60_000 + Math.floor(span * (i / plan.size) ** 2) + i;
    let status = "approved";
    let parent: number | null = null;
    let root: number | null = null;
    if (hotShape) {
      let open = [...groups.keys()].filter((r) => (groupSize.get(r) ?? 0) < 5);
      if (hotShape[i] === "reply" && open.length === 0) {
        // Every conversation so far is full: start a new one now, reply later.
        const j = hotShape.indexOf("root", i + 1);
        [hotShape[i], hotShape[j]] = [hotShape[j]!, hotShape[i]!];
        open = [];
      }
      if (hotShape[i] === "reply") {
        const r = pick(random, open);
        parent = pick(random, [r, ...groups.get(r)!]);
        root = r;
      }
    } else {
      const r = random();
      if (r < plan.pendingShare) status = "pending";
      else if (r < plan.pendingShare + 0.01) status = "spam";
      if (approvedPositions.length > 0 && random() > 0.3) {
        // A reply to any earlier approved comment: big conversations draw more replies.
        const position = random() < 0.5 ? approvedPositions[approvedPositions.length - 1 - Math.floor(random() * Math.min(20, approvedPositions.length))]! : pick(random, approvedPositions);
        parent = plan.firstCommentId + position;
        root = roots[position]!;
      }
    }
    roots.push(root ?? id);
    // Only approved comments get replies (a reply to a held comment cannot be posted).
    if (status === "approved") approvedPositions.push(i);
    if (hotShape) {
      if (root === null) groups.set(id, []);
      else {
        groups.get(root)!.push(id);
        groupSize.set(root, (groupSize.get(root) ?? 0) + 1);
      }
    }
    const byMember = random() < 0.6;
    const memberIndex = Math.floor(random() * members.count);
    const guest = Math.floor(random() * GUESTS);
    push({
      id,
      article_id: plan.id,
      parent_id: parent,
      root_id: root,
      status,
      author_name: byMember ? memberName(memberIndex) : guestName(guest),
      author_email: byMember ? `member${memberIndex}@bench.example` : benchGuestEmail(guest),
      body: Math.floor(random() * COMMENT_BODIES),
      created_at: new Date(Math.min(at, now - 1000)).toISOString(),
      user_id: byMember && members.count > 0 ? members.firstId + memberIndex : null,
    });
  }
}

function hotSequence(random: () => number): ("root" | "reply")[] {
  const rest: ("root" | "reply")[] = [...Array<"root">(49).fill("root"), ...Array<"reply">(150).fill("reply")];
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return ["root", ...rest];
}

interface CommentRow {
  id: number;
  article_id: number;
  parent_id: number | null;
  root_id: number | null;
  status: string;
  author_name: string;
  author_email: string;
  body: number;
  created_at: string;
  user_id: number | null;
}

const INSERT_COMMENTS = `
  insert into comments (id, article_id, parent_id, root_id, status, author_name, author_email,
                        body_markdown, body_html, held_reason, created_at, updated_at, user_id, sentiment)
  overriding system value
  select t.id, t.article_id, t.parent_id, t.root_id, t.status, t.author_name, t.author_email, b.md, b.html,
         case when t.status = 'pending' then 'Seeded by the bench: waiting for a moderator.' end,
         t.created_at, t.created_at, t.user_id,
         -- Three comments in ten carry a sentiment, two of them Bullish.
         case t.id % 10 when 0 then 'bullish' when 3 then 'bullish' when 6 then 'bearish' end
  from unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[], $10::int[])
       as t(id, article_id, parent_id, root_id, status, author_name, author_email, body, created_at, user_id)
  join bench_bodies b on b.idx = t.body`;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: "assay-bench-seed" });
  // A dropped connection fails the next query (and the seed, with its message) rather than crashing.
  client.on("error", () => undefined);
  await client.connect();
  // Bulk loading: a lost last second after a crash is fine.
  await client.query("set synchronous_commit = off");
  return client;
}

export async function seedBench(url: string, options: BenchSeedOptions): Promise<BenchSeedResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const now = (options.now ?? new Date()).getTime();
  const workers = Math.max(1, options.workers ?? 2);
  const batchSize = options.batchSize ?? 20_000;
  const pendingShare = options.pendingShare ?? 0.1;
  const random = mulberry32(20250601);
  const main = await connect(url);
  const timings = { members: 0, articles: 0, comments: 0, tickers: 0, vacuum: 0, total: 0 };
  try {
    // Categories (the usual five).
    for (const c of SEED_CATEGORIES) {
      await main.query(
        "insert into categories (slug, name, description) values ($1, $2, $3) on conflict (slug) do nothing",
        [c.slug, c.name, c.description],
      );
    }
    const categoryIds = (await main.query<{ id: number }>("select id from categories order by id")).rows.map((r) => r.id);

    // Members: one password hash for all (hashing is slow on purpose).
    let t0 = Date.now();
    const firstMemberId = Number((await main.query("select coalesce(max(id), 0) + 1 as n from users")).rows[0].n);
    if (options.members > 0) {
      const hash = await hashPassword(BENCH_MEMBER_PASSWORD);
      for (let start = 0; start < options.members; start += 50_000) {
        const ids: number[] = [];
        const emails: string[] = [];
        const names: string[] = [];
        for (let i = start; i < Math.min(options.members, start + 50_000); i++) {
          ids.push(firstMemberId + i);
          emails.push(`member${i}@bench.example`);
          names.push(memberName(i));
        }
        await main.query(
          `insert into users (id, email, display_name, password_hash, role, email_verified_at, created_at)
           overriding system value
           select t.id, t.email, t.name, $4, 'member', now(), now() - interval '400 days'
           from unnest($1::int[], $2::text[], $3::text[]) as t(id, email, name)`,
          [ids, emails, names, hash],
        );
      }
      await main.query("select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from users))");
    }
    timings.members = Date.now() - t0;
    log(`members: ${options.members.toLocaleString("en-US")} in ${(timings.members / 1000).toFixed(1)} s`);

    // Articles.
    t0 = Date.now();
    const firstArticleId = Number((await main.query("select coalesce(max(id), 0) + 1 as n from articles")).rows[0].n);
    const firstCommentId = Number((await main.query("select coalesce(max(id), 0) + 1 as n from comments")).rows[0].n);
    const bigSize = Math.max(0, Math.min(options.comments - 200, options.bigThread ?? Math.min(10_000, Math.floor(options.comments / 5))));
    const specials: { kind: ArticlePlan["kind"]; slug: string; size: number; ageMs: number; pending: number }[] = [];
    if (options.articles >= 1 && options.comments >= 200) specials.push({ kind: "hot", slug: BENCH_SLUGS.hot, size: 200, ageMs: 2 * 3_600_000, pending: 0 });
    if (options.articles >= 2 && bigSize > 0) specials.push({ kind: "big", slug: BENCH_SLUGS.big, size: bigSize, ageMs: 2 * DAY, pending: 0.02 });
    if (options.articles >= 3) specials.push({ kind: "post", slug: BENCH_SLUGS.post, size: Math.min(20, Math.max(0, options.comments - 200 - bigSize)), ageMs: 3_600_000, pending: 0 });
    const specialTotal = specials.reduce((a, s) => a + s.size, 0);
    const regularCount = options.articles - specials.length;
    const regularTotal = Math.max(0, options.comments - specialTotal);
    const sizes = threadSizes(regularCount, regularTotal, random);
    const specialPending = specials.reduce((a, s) => a + Math.round(s.size * s.pending), 0);
    const regularPending = regularTotal > 0 ? Math.max(0, Math.min(0.9, (options.comments * pendingShare - specialPending) / regularTotal)) : 0;

    const plans: ArticlePlan[] = [];
    let nextCommentId = firstCommentId;
    for (let i = 0; i < options.articles; i++) {
      const special = specials[i];
      const template = Math.floor(random() * ARTICLE_TEMPLATES);
      const topic = pick(random, ARTICLE_TOPICS);
      const place = pick(random, ARTICLE_PLACES);
      // Regular articles: one every half hour or so, going back in time.
      const ageMs = special ? special.ageMs : 3 * DAY + Math.floor((i / Math.max(1, options.articles)) * 730 * DAY + random() * 3_600_000);
      const cats = [...categoryIds].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
      const size = special ? special.size : sizes[i - specials.length]!;
      plans.push({
        index: i,
        id: firstArticleId + i,
        slug: special ? special.slug : `bench-${i}-${topic.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${place.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
        title: special ? `${special.kind === "hot" ? "A busy thread" : special.kind === "big" ? "The biggest thread" : "Where the bench posts"}: ${topic} in ${place}` : `${topic} in ${place}: article ${i}`,
        template,
        publishedAt: new Date(now - ageMs),
        categoryIds: cats,
        size,
        firstCommentId: nextCommentId,
        kind: special ? special.kind : "regular",
        pendingShare: special ? special.pending : regularPending,
      });
      nextCommentId += size;
    }

    const templates = Array.from({ length: ARTICLE_TEMPLATES }, () => articleBody(random));
    const rendered = templates.map((t) => ({ html: renderArticleMarkdown(t.markdown), excerpt: markdownToText(t.markdown).slice(0, 277).replace(/\s+\S*$/, "") + "…" }));
    for (let start = 0; start < plans.length; start += 10_000) {
      const chunk = plans.slice(start, start + 10_000);
      await main.query(
        // Published and already announced, as imported history is: otherwise every server the
        // bench starts would spend the measurements announcing 20,000 articles to their followers.
        `insert into articles (id, slug, title, highlights, body_markdown, body_html, excerpt, byline, published_at, first_published_at, announced_at, created_at, updated_at)
         overriding system value
         select a.id, a.slug, a.title,
                array(select jsonb_array_elements_text($6::jsonb -> a.tpl)),
                ($7::text[])[a.tpl + 1], ($8::text[])[a.tpl + 1], ($9::text[])[a.tpl + 1],
                'Assay bench desk', a.published_at, a.published_at, a.published_at, a.published_at, a.published_at
         from unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::timestamptz[]) as a(id, slug, title, tpl, published_at)`,
        [
          chunk.map((p) => p.id),
          chunk.map((p) => p.slug),
          chunk.map((p) => p.title),
          chunk.map((p) => p.template),
          chunk.map((p) => p.publishedAt.toISOString()),
          JSON.stringify(templates.map((t) => t.highlights)),
          templates.map((t) => t.markdown),
          rendered.map((r) => r.html),
          rendered.map((r) => r.excerpt),
        ],
      );
      const pairs = chunk.flatMap((p) => p.categoryIds.map((c) => [p.id, c] as const));
      await main.query(
        "insert into article_categories (article_id, category_id) select * from unnest($1::int[], $2::int[])",
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
    }
    await main.query("select setval(pg_get_serial_sequence('articles', 'id'), (select max(id) from articles))");
    timings.articles = Date.now() - t0;
    log(`articles: ${options.articles.toLocaleString("en-US")} in ${(timings.articles / 1000).toFixed(1)} s`);

    // Comments: bodies rendered once each, then every worker writes its share of articles.
    t0 = Date.now();
    const bodyRandom = mulberry32(424242);
    const bodies = Array.from({ length: COMMENT_BODIES }, (_, n) => commentBody(bodyRandom, n));
    const bodiesHtml = bodies.map((b) => renderCommentMarkdown(b));
    const shares: ArticlePlan[][] = Array.from({ length: workers }, () => []);
    const loads = shares.map(() => 0);
    for (const plan of [...plans].sort((a, b) => b.size - a.size)) {
      if (plan.size === 0) continue;
      const w = loads.indexOf(Math.min(...loads));
      shares[w]!.push(plan);
      loads[w]! += plan.size;
    }
    const members = { firstId: firstMemberId, count: options.members };
    let written = 0;
    let approved = 0;
    let pending = 0;
    await Promise.all(
      shares.map(async (share) => {
        if (share.length === 0) return;
        const client = await connect(url);
        try {
          await client.query("create temp table bench_bodies (idx int primary key, md text not null, html text not null)");
          await client.query("insert into bench_bodies select * from unnest($1::int[], $2::text[], $3::text[])", [
            bodies.map((_, i) => i),
            bodies,
            bodiesHtml,
          ]);
          let batch = emptyBatch();
          const flush = async () => {
            if (batch.id.length === 0) return;
            const b = batch;
            batch = emptyBatch();
            await client.query(INSERT_COMMENTS, [b.id, b.article_id, b.parent_id, b.root_id, b.status, b.author_name, b.author_email, b.body, b.created_at, b.user_id]);
            written += b.id.length;
            if (Math.floor(written / 100_000) !== Math.floor((written - b.id.length) / 100_000)) {
              log(`comments: ${written.toLocaleString("en-US")} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
            }
          };
          // A thread's rows go in order, so every parent is written before (or with) its replies.
          for (const plan of share) {
            const rows: CommentRow[] = [];
            generateThread(plan, members, now, (row) => rows.push(row));
            for (const row of rows) {
              for (const key of Object.keys(batch) as (keyof CommentBatch)[]) (batch[key] as unknown[]).push(row[key]);
              if (row.status === "approved") approved++;
              else if (row.status === "pending") pending++;
              if (batch.id.length >= batchSize) await flush();
            }
          }
          await flush();
          await client.query("drop table bench_bodies");
        } finally {
          await client.end();
        }
      }),
    );
    await main.query("select setval(pg_get_serial_sequence('comments', 'id'), greatest(1, (select coalesce(max(id), 0) from comments)))");
    timings.comments = Date.now() - t0;
    log(`comments: ${written.toLocaleString("en-US")} in ${(timings.comments / 1000).toFixed(1)} s`);

    // Tickers (the rare-earth names of the demo, and a few more) and cashtag mentions at
    // scale: one comment in eight mentions one, half of those $LYC (so its page has the
    // most to page through), each mention with its disclosure; articles tagged likewise.
    t0 = Date.now();
    for (const [symbol, exchange, company, aliases] of BENCH_TICKERS) {
      await main.query(
        "insert into tickers (symbol, exchange, company_name, aliases) values ($1, $2, $3, $4) on conflict do nothing",
        [symbol, exchange, company, aliases],
      );
    }
    const tickerIds = (
      await main.query<{ id: number }>("select id from tickers where (symbol, exchange) in (select * from unnest($1::text[], $2::text[])) order by id", [
        BENCH_TICKERS.map((t) => t[0]),
        BENCH_TICKERS.map((t) => t[1]),
      ])
    ).rows.map((r) => Number(r.id));
    // Which ticker a number picks: the first (LYC) half the time, the others sharing the rest.
    const pickTicker = (n: string) => `(case when (${n} % 2) = 0 then ($1::int[])[1] else ($1::int[])[2 + ((${n} / 2) % (cardinality($1::int[]) - 1))::int] end)`;
    await main.query(
      `insert into article_tickers (article_id, ticker_id)
       select id, ${pickTicker("(id / 7)")} from articles where id % 7 = 0 or slug = any($2::text[])
       on conflict do nothing`,
      [tickerIds, [BENCH_SLUGS.hot, BENCH_SLUGS.big]],
    );
    // The row's copies of its comment (time, status, article, sentiment) are written here in
    // one pass; the triggers that fill them for one row at a time are set aside meanwhile.
    await main.query("alter table comment_tickers disable trigger comment_tickers_fill, disable trigger comment_tickers_sentiment");
    let mentions: pg.QueryResult;
    try {
      mentions = await main.query(
        `insert into comment_tickers (comment_id, ticker_id, article_id, created_at, approved, sentiment)
         select c.id, ${pickTicker("(c.id / 8)")}, c.article_id, c.created_at, c.status = 'approved' and c.hidden_at is null, c.sentiment
         from comments c where c.id % 8 = 0 and c.id >= $2
         on conflict do nothing`,
        [tickerIds, firstCommentId],
      );
    } finally {
      await main.query("alter table comment_tickers enable trigger comment_tickers_fill, enable trigger comment_tickers_sentiment");
    }
    await main.query(
      `insert into comment_disclosures (comment_id, ticker_id, position, connected)
       select comment_id, ticker_id, (array['long', 'short', 'none', 'undisclosed'])[1 + comment_id % 4], comment_id % 97 = 0
       from comment_tickers where comment_id >= $1
       on conflict do nothing`,
      [firstCommentId],
    );
    timings.tickers = Date.now() - t0;
    log(`tickers: ${tickerIds.length}, ${Number(mentions.rowCount).toLocaleString("en-US")} mentions with disclosures in ${(timings.tickers / 1000).toFixed(1)} s`);

    // Statistics for the planner, and the visibility map for index-only scans (the
    // article page counts a thread's comments from an index alone). Right after a
    // bulk load with asynchronous commits, VACUUM may leave pages unmarked (their
    // rows not yet hinted as committed): it runs again, briefly, until they are.
    t0 = Date.now();
    await main.query("set synchronous_commit = on");
    await main.query("vacuum (analyze) comments, articles, article_categories, users, categories, tickers, article_tickers, comment_tickers, comment_disclosures");
    const visibleShare = async () =>
      Number((await main.query("select relallvisible::float / greatest(relpages, 1) as share from pg_class where relname = 'comments'")).rows[0].share);
    for (let i = 0; i < 20 && (await visibleShare()) < 0.95; i++) {
      await new Promise((r) => setTimeout(r, 250));
      await main.query("vacuum comments");
    }
    log(`comments pages all-visible: ${Math.round((await visibleShare()) * 100)}%`);
    timings.vacuum = Date.now() - t0;
    log(`vacuum analyze: ${(timings.vacuum / 1000).toFixed(1)} s`);
    timings.total = Date.now() - started;
    return { articles: options.articles, comments: written, approved, pending, members: options.members, timings, bigThreadSize: bigSize };
  } finally {
    await main.end();
  }
}
