// The seed: categories, a few articles and threaded comments, so a fresh Assay has
// something to read. Seeding twice changes nothing: rows are matched by slug and
// an article's comments are written only when the article itself is new.
import type { DB } from "./connection";
import { saveArticle } from "../app/models/articles.server";
import { unpublishArticle } from "../app/models/publishing.server";
import { renderCommentMarkdown } from "../app/lib/markdown.server";
import { cashtagMentions, recordCommentTickers } from "../app/models/tickers.server";
import { createUser } from "../app/models/users.server";
import { postComment } from "../app/models/comments.server";
import { reportComment } from "../app/models/reports.server";
import { hashIp } from "../app/models/secrets.server";
import type { Role } from "./schema";
import { sql } from "kysely";
import { randomBytes } from "node:crypto";

export const SEED_CATEGORIES = [
  { slug: "china", name: "China", description: "Beijing's policy, state-owned producers and the domestic market." },
  { slug: "mining-production", name: "Mining & Production", description: "Mines, separation plants, output and costs." },
  { slug: "policy-regulation", name: "Policy & Regulation", description: "Export controls, quotas, permits and the rules behind them." },
  { slug: "supply-chain", name: "Supply Chain", description: "From ore to magnet: processing, offtakes and trade flows." },
  { slug: "esg-safety", name: "ESG & Safety", description: "Environmental, safety and governance risk at producers." },
];

/** The demo's tickers: their cashtags in the seeded comments and articles become links. */
export const SEED_TICKERS = [
  { symbol: "MP", exchange: "NYSE", company_name: "MP Materials", aliases: [] as string[] },
  { symbol: "LYC", exchange: "ASX", company_name: "Lynas Rare Earths", aliases: ["LYC.AX"] },
  { symbol: "600111", exchange: "SSE", company_name: "China Northern Rare Earth", aliases: ["600111.SS"] },
  { symbol: "ILU", exchange: "ASX", company_name: "Iluka Resources", aliases: ["ILU.AX"] },
  { symbol: "ARU", exchange: "ASX", company_name: "Arafura Rare Earths", aliases: ["ARU.AX"] },
];

interface SeedComment {
  key: string;
  replyTo?: string;
  name: string;
  email: string;
  url?: string;
  body: string;
  minutesAfter: number;
}

interface SeedArticle {
  slug: string;
  title: string;
  byline: string;
  daysAgo: number;
  categories: string[];
  /** Tickers it is tagged with, as "EXCHANGE:SYMBOL". */
  tickers?: string[];
  highlights: string[];
  body: string;
  comments: SeedComment[];
}

export const SEED_ARTICLES: SeedArticle[] = [
  {
    slug: "baogang-orders-safety-and-environmental-inspections-at-key-mines",
    title: "Baogang Orders Urgent Safety and Environmental Inspections at Its Key Mines",
    byline: "Assay newsroom",
    daysAgo: 1,
    categories: ["china", "mining-production", "esg-safety"],
    tickers: ["SSE:600111"],
    highlights: [
      "Baogang Group's top executives are personally inspecting safety and environmental compliance at its mines.",
      "Managers must find and remove serious hazards, tighten pollution and energy controls, and follow Xi Jinping's latest directives.",
      "The campaign shows Beijing pressing its industrial champions harder on risk management and ecological standards.",
    ],
    body: `China's national push for tighter industrial risk control has reached its largest rare earth producer. Baogang Group, the state-owned steel and rare earth conglomerate, has begun a top-down inspection campaign across its mining operations, with safety and environmental compliance as the stated focus.

According to a report in the group's own newspaper, [Baogang Daily](http://www.btsteel.com/), Chairman and Party Secretary Meng Fanying took a team of senior executives to several major sites: the Baiyun Obo rare earth mine, the Guyang mine and the Xineng green energy project. In a parallel tour, Vice General Manager Zhang Zhao inspected the Wuhai and Hainan mining subsidiaries.

Management framed the visits as part of Baogang's "high-quality development" strategy, and the language went further than routine compliance. The directive cited Xi Jinping's themes of "ecological civilization" and "systemic risk", and mentioned recent accidents elsewhere in the country, most likely the deadly fires and equipment failures at other industrial sites this spring.

Site managers were told to:

- find and eliminate major safety hazards;
- prevent equipment failures and human error in high-risk areas;
- raise energy efficiency and improve pollution controls;
- build lasting mechanisms to prevent environmental risk; and
- follow the latest central directives on safety and the environment.

The company also named real-time digital monitoring, "intelligent controls" and risk diagnosis along the whole production chain as the tools it expects to prevent serious accidents.

## What it could mean for the rare earth market

1. **Stricter enforcement across the sector.** Inner Mongolia, home to Baiyun Obo, the world's largest rare earth mine, is the obvious place for regulators to start.
2. **Higher costs or slower output.** New monitoring requirements and risk audits can delay production if they slow throughput.
3. **Zero tolerance for missteps.** For a state-owned producer, visible alignment with Beijing is about political survival as much as operations.
4. **Green energy as part of mining.** Projects like Xineng suggest state producers will present themselves as guardians of China's ecological goals.

For investors, the point is that political risk from the top, not only operating efficiency, now shapes the stability of rare earth supply. We will follow whether these inspections lead to shutdowns, delays or faster green retrofits at Baogang's rare earth and steel sites.`,
    comments: [
      {
        key: "a",
        name: "Margaret Chen",
        email: "margaret.chen@example.com",
        body: "Baiyun Obo supplies a large share of the world's light rare earths. Even a few weeks of reduced throughput would show up in NdPr prices. Has anyone seen figures on output during past inspection campaigns?",
        minutesAfter: 45,
      },
      {
        key: "tickers-1",
        name: "Priya Raman",
        email: "priya.raman@example.com",
        body: "$600111 is the listed arm of Baogang's rare earth business, so this lands there first. If NdPr firms up, $LYC and $MP should feel it too.",
        minutesAfter: 70,
      },
      {
        key: "tickers-2",
        replyTo: "tickers-1",
        name: "Tomás Alvarez",
        email: "tomas.alvarez@example.com",
        body: "Maybe, but $LYC.AX has its own Malaysian licence story. And a $5 move in NdPr is noise; the inspections matter if they run for months.",
        minutesAfter: 95,
      },
      {
        key: "tickers-3",
        name: "Ingrid Solberg",
        email: "ingrid.solberg@example.com",
        body: "Holding $ASX:LYC and $ILU for the heavy rare earths angle. `$LYC` in code stays plain, by the way.",
        minutesAfter: 120,
      },
      {
        key: "b",
        replyTo: "a",
        name: "Tomás Alvarez",
        email: "tomas.alvarez@example.com",
        url: "https://example.com/tomas",
        body: "In 2021 a similar campaign in Inner Mongolia cut separation output for about a month, if I remember the provincial data correctly. Prices moved before the numbers did.",
        minutesAfter: 80,
      },
      {
        key: "c",
        replyTo: "b",
        name: "Margaret Chen",
        email: "margaret.chen@example.com",
        body: "Thanks, that's useful. So the *announcement* is the signal, not the output data.",
        minutesAfter: 95,
      },
      {
        key: "d",
        name: "R. Okafor",
        email: "r.okafor@example.com",
        body: "The part about **digital monitoring** is the long-term story here. Compliance costs go up once, but permanent monitoring changes how much slack these sites have.",
        minutesAfter: 130,
      },
    ],
  },
  {
    slug: "magnet-makers-race-to-secure-heavy-rare-earth-supply",
    title: "Magnet Makers Race to Secure Heavy Rare Earth Supply Outside China",
    byline: "Assay newsroom",
    daysAgo: 3,
    categories: ["supply-chain", "policy-regulation"],
    tickers: ["ASX:LYC", "NYSE:MP", "ASX:ARU"],
    highlights: [
      "Permanent-magnet producers are signing offtakes for dysprosium and terbium years ahead.",
      "Few separation plants outside China can handle heavy rare earths at scale.",
      "Prices for material of verified origin carry a growing premium.",
    ],
    body: `Permanent magnets for electric motors and wind turbines need small amounts of dysprosium and terbium to keep working at high temperatures. Nearly all of that supply is separated in China, and magnet makers elsewhere are now paying to change that.

Over the past quarter, several producers in Japan, Europe and North America announced long-term offtake agreements with early-stage projects. The terms are rarely public, but executives describe a premium for material whose origin can be verified from mine to magnet.

The bottleneck is separation, not ore. A heavy rare earth deposit is only useful once the individual elements can be separated, and the solvent extraction circuits needed for that take years to build and tune.

Three questions decide which projects matter:

1. Does the project have a separation route that has run at pilot scale?
2. Is there a buyer committed before construction starts?
3. Can permits be secured on a timeline that fits the buyer's needs?

Readers can follow the [International Energy Agency's critical minerals work](https://www.iea.org/topics/critical-minerals) for the demand side of the picture.`,
    comments: [
      {
        key: "a",
        name: "Ingrid Solberg",
        email: "ingrid.solberg@example.com",
        body: "Point 1 is the one most junior miners gloss over. A flowsheet on paper is not a separation route.",
        minutesAfter: 60,
      },
      {
        key: "b",
        replyTo: "a",
        name: "David Kim",
        email: "david.kim@example.com",
        body: "Agreed. I'd add reagent supply as a fourth question: some of those circuits depend on chemicals sourced from the same place as the ore.",
        minutesAfter: 150,
      },
    ],
  },
  {
    slug: "export-licence-rules-what-changes-for-rare-earth-buyers",
    title: "Export Licence Rules: What Changes for Rare Earth Buyers",
    byline: "Assay newsroom",
    daysAgo: 6,
    categories: ["china", "policy-regulation", "supply-chain"],
    highlights: [
      "Exporters of several rare earth products now need a licence for each shipment.",
      "Buyers report longer lead times and more paperwork rather than outright refusals.",
      "Inventory strategy, not price, is the first thing to revisit.",
    ],
    body: `New licensing requirements for rare earth exports have changed how buyers plan, even where shipments still arrive. Each consignment of the listed products needs its own licence, and approval times vary.

The practical effects reported so far are modest but real:

- lead times have lengthened by several weeks for some products;
- buyers are asked for more end-use documentation; and
- smaller traders find the process hardest to manage.

## What buyers are doing

1. Holding more inventory of the materials most exposed to delays.
2. Qualifying second sources, even at higher cost.
3. Building end-use documentation into contracts from the start.

None of this is a ban. But a licence system gives the issuing authority a dial it can turn, and markets price that possibility. The official notices are published by [China's Ministry of Commerce](http://english.mofcom.gov.cn/).`,
    comments: [
      {
        key: "a",
        name: "Priya Raman",
        email: "priya.raman@example.com",
        body: "The *dial* framing is right. Uncertainty about approval times is itself a cost that shows up in working capital.",
        minutesAfter: 30,
      },
    ],
  },
];

export interface SeedSummary {
  categoriesAdded: number;
  articlesAdded: number;
  commentsAdded: number;
}

export async function seed(db: DB, now: Date = new Date()): Promise<SeedSummary> {
  const categories = await db
    .insertInto("categories")
    .values(SEED_CATEGORIES)
    .onConflict((oc) => oc.column("slug").doNothing())
    .returning("id")
    .execute();
  await db
    .insertInto("tickers")
    .values(SEED_TICKERS)
    .onConflict((oc) => oc.columns(["exchange", "symbol"]).doNothing())
    .execute();
  const tickerIds = new Map(
    (await db.selectFrom("tickers").select(["id", "exchange", "symbol"]).execute()).map((t) => [`${t.exchange}:${t.symbol}`, t.id]),
  );

  let articlesAdded = 0;
  let commentsAdded = 0;
  for (const article of SEED_ARTICLES) {
    const exists = await db.selectFrom("articles").select("id").where("slug", "=", article.slug).executeTakeFirst();
    if (exists) continue;
    const publishedAt = new Date(now.getTime() - article.daysAgo * 86_400_000);
    const { id } = await saveArticle(db, {
      slug: article.slug,
      title: article.title,
      highlights: article.highlights,
      bodyMarkdown: article.body,
      byline: article.byline,
      publishedAt,
      categorySlugs: article.categories,
      tickerIds: (article.tickers ?? []).map((key) => tickerIds.get(key)!).filter(Boolean),
    });
    articlesAdded += 1;
    const ids = new Map<string, number>();
    for (const comment of article.comments) {
      const mentions = await cashtagMentions(db, comment.body);
      const row = await db
        .insertInto("comments")
        .values({
          article_id: id,
          parent_id: comment.replyTo ? (ids.get(comment.replyTo) ?? null) : null,
          status: "approved",
          author_name: comment.name,
          author_email: comment.email,
          author_url: comment.url ?? "",
          body_markdown: comment.body,
          body_html: renderCommentMarkdown(comment.body, { cashtagHref: mentions.hrefFor }),
          created_at: new Date(publishedAt.getTime() + comment.minutesAfter * 60_000),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordCommentTickers(db, row.id, mentions.tickers.map((t) => t.id));
      ids.set(comment.key, row.id);
      commentsAdded += 1;
    }
  }
  articlesAdded += await seedEditorialDemo(db, now);
  await seedEmbedDemo(db);
  await seedOldPermalinkDemo(db);
  await seedDemoInvestors(db);
  await seedDemoSpike(db, now);
  return { categoriesAdded: categories.length, articlesAdded, commentsAdded };
}

/** The old WordPress address of the first demo article, as `npm run import:wordpress` keeps one: it answers 301. */
export const SEED_OLD_PERMALINK = "/2025/05/baogang-launches-emergency-safety-environmental-inspections";

async function seedOldPermalinkDemo(db: DB): Promise<void> {
  const article = await db.selectFrom("articles").select("id").where("slug", "=", SEED_ARTICLES[0]!.slug).executeTakeFirst();
  if (!article) return;
  await db
    .insertInto("permalink_redirects")
    .values({ path: SEED_OLD_PERMALINK, article_id: article.id })
    .onConflict((oc) => oc.column("path").doNothing())
    .execute();
}

/** The demo news site of `npm run embed:demo` (scripts/embed-demo.ts): start the forum with EMBED_HOSTS=localhost:8090. */
export const EMBED_DEMO_ORIGIN = "http://localhost:8090";
/** Its page for the Baogang article: the seed gives that article this canonical URL, so the page shows its thread. */
export const EMBED_DEMO_ARTICLE_PATH = "/2026/baogang-safety-inspections";
const EMBED_DEMO_ARTICLE_SLUG = "baogang-orders-safety-and-environmental-inspections-at-key-mines";

/** One seeded article is also a page of the demo news site (articles.canonical_url), once. */
async function seedEmbedDemo(db: DB): Promise<void> {
  const url = `${EMBED_DEMO_ORIGIN}${EMBED_DEMO_ARTICLE_PATH}`;
  const taken = await db.selectFrom("articles").select("id").where("canonical_url", "=", url).executeTakeFirst();
  if (taken) return;
  await db.updateTable("articles").set({ canonical_url: url }).where("slug", "=", EMBED_DEMO_ARTICLE_SLUG).where("canonical_url", "is", null).execute();
}

const EDITORS_DESK = { id: null, name: "Assay newsroom" };

/** The editors' demo articles: a draft, a scheduled one, an unpublished one. */
export const SEED_EDITORIAL_SLUGS = [
  "draft-heavy-rare-earth-separation-outside-china",
  "what-the-next-export-quota-could-mean",
  "correction-pending-processing-capacity-figures",
] as const;

/**
 * What an editor finds at /admin/articles on a trial install: a draft with two
 * revisions, an article scheduled for later, and one that was unpublished.
 * Readers see none of them. Added once, matched by slug.
 */
async function seedEditorialDemo(db: DB, now: Date): Promise<number> {
  let added = 0;
  const draftSlug = SEED_EDITORIAL_SLUGS[0];
  if (!(await db.selectFrom("articles").select("id").where("slug", "=", draftSlug).executeTakeFirst())) {
    const draft = {
      slug: draftSlug,
      title: "Heavy Rare Earth Separation Outside China: Who Is Closest?",
      highlights: ["Three projects claim commercial dysprosium and terbium output before 2028."],
      bodyMarkdown: "Notes for this piece. Compare the announced capacities with offtake agreements.",
      byline: "Assay newsroom",
      publishedAt: null,
      categorySlugs: ["supply-chain"],
    };
    await saveArticle(db, draft, EDITORS_DESK);
    await saveArticle(
      db,
      {
        ...draft,
        highlights: [...draft.highlights, "Permits, not chemistry, set the pace."],
        bodyMarkdown: `${draft.bodyMarkdown}\n\nSecond pass: add the permit timelines for each site.`,
      },
      EDITORS_DESK,
    );
    added += 1;
  }
  const scheduledSlug = SEED_EDITORIAL_SLUGS[1];
  if (!(await db.selectFrom("articles").select("id").where("slug", "=", scheduledSlug).executeTakeFirst())) {
    await saveArticle(
      db,
      {
        slug: scheduledSlug,
        title: "What the Next Export Quota Could Mean for Magnet Makers",
        highlights: ["Scheduled: this article appears by itself two days after the demo was seeded."],
        bodyMarkdown: "Quota announcements move prices before a single tonne ships. This piece looks at the last three.",
        byline: "Assay newsroom",
        publishedAt: new Date(now.getTime() + 2 * 86_400_000),
        categorySlugs: ["policy-regulation"],
      },
      EDITORS_DESK,
    );
    added += 1;
  }
  const withdrawnSlug = SEED_EDITORIAL_SLUGS[2];
  if (!(await db.selectFrom("articles").select("id").where("slug", "=", withdrawnSlug).executeTakeFirst())) {
    const { id } = await saveArticle(
      db,
      {
        slug: withdrawnSlug,
        title: "Processing Capacity Figures Under Review",
        highlights: ["Unpublished while its figures are checked: readers cannot see it or its comments."],
        bodyMarkdown: "The capacity table in this article is being checked against company filings.",
        byline: "Assay newsroom",
        publishedAt: new Date(now.getTime() - 3 * 86_400_000),
        categorySlugs: ["supply-chain"],
      },
      EDITORS_DESK,
    );
    const row = await db.selectFrom("articles").select("version").where("id", "=", id).executeTakeFirstOrThrow();
    await unpublishArticle(db, { articleId: id, expectedVersion: row.version, actor: EDITORS_DESK, reason: "Figures under review" });
    added += 1;
  }
  return added;
}

/**
 * Demo accounts for trying Assay out, with passwords documented in the README.
 * Never on a real site: see demoAccountsWanted.
 */
export const DEMO_ACCOUNTS: { email: string; displayName: string; password: string; role: Role }[] = [
  { email: "editor@example.com", displayName: "Demo Editor", password: "demo-editor-pass", role: "editor" },
  { email: "moderator@example.com", displayName: "Demo Moderator", password: "demo-moderator-pass", role: "moderator" },
  { email: "member@example.com", displayName: "Demo Member", password: "demo-member-pass", role: "member" },
];

/**
 * Whether to add the demo accounts: where the demo content is seeded (the embedded
 * database, or a server with ASSAY_SEED=1), unless NODE_ENV=production was asked
 * for. ASSAY_DEMO_ACCOUNTS=1 or 0 decides outright.
 */
export function demoAccountsWanted(options: { seeding: boolean; requestedNodeEnv: string | undefined }, env = process.env): boolean {
  if (env.ASSAY_DEMO_ACCOUNTS === "1" || env.ASSAY_DEMO_ACCOUNTS === "0") return env.ASSAY_DEMO_ACCOUNTS === "1";
  return options.seeding && options.requestedNodeEnv !== "production";
}

/** Add the demo accounts that are missing (matched by email). Returns how many were added. */
export async function seedDemoAccounts(db: DB): Promise<number> {
  let added = 0;
  for (const account of DEMO_ACCOUNTS) {
    const result = await createUser(db, { ...account, emailVerified: true });
    if (result.ok) added += 1;
  }
  // With the accounts (once, when they are new): something for the demo moderator to do,
  // and a watched thread whose approvals the real job worker mails to the demo member.
  if (added > 0) {
    await seedDemoQueue(db);
    await seedDemoMail(db);
  }
  // Every start (each step is idempotent): what the demo member follows and has been told.
  await seedDemoFollowing(db);
  await seedDemoDisclosureDefault(db);
  await seedDemoIgnore(db);
  return added;
}


/**
 * Investors' comments on the two newer articles: cashtags, disclosures (one of
 * them paid or connected), Bullish and Bearish, so the article pages show the
 * sentiment bar and the comments their disclosures; and the demo member's usual
 * answer for $LYC on /account. Each comment is added once (found by its words).
 */
async function seedDemoInvestors(db: DB): Promise<void> {
  // SEED_TICKERS are in by now (seed()); a symbol here is on one exchange only.
  const tickers = new Map(
    (await db.selectFrom("tickers").select(["id", "symbol"]).where("symbol", "in", ["MP", "LYC", "600111"]).execute()).map((t) => [t.symbol, t.id]),
  );
  const [magnets, exportRules] = await Promise.all(
    [SEED_ARTICLES[1]!, SEED_ARTICLES[2]!].map((a) => db.selectFrom("articles").select(["id", "published_at"]).where("slug", "=", a.slug).executeTakeFirst()),
  );
  if (!magnets || !exportRules) return;
  const demo: {
    article: typeof magnets;
    minutes: number;
    name: string;
    email: string;
    body: string;
    sentiment: "bullish" | "bearish" | null;
    disclosures: [string, "long" | "short" | "none" | "undisclosed", boolean][];
  }[] = [
    { article: magnets, minutes: 90, name: "Priya Natarajan", email: "priya.natarajan@example.com", body: "Heavy rare earth supply outside China is basically $LYC for now. Holding through the Kalgoorlie ramp-up.", sentiment: "bullish", disclosures: [["LYC", "long", false]] },
    { article: magnets, minutes: 200, name: "Tom Becker", email: "tom.becker@example.com", body: "$MP still sells most of its concentrate into China. Until Fort Worth magnets ship at volume I'm cautious.", sentiment: "bearish", disclosures: [["MP", "short", false]] },
    { article: magnets, minutes: 320, name: "Grace Okafor", email: "grace.okafor@example.com", body: "For balance: I do investor relations work for a magnet recycler that supplies $MP. The offtake talk here is accurate.", sentiment: null, disclosures: [["MP", "none", true]] },
    { article: exportRules, minutes: 400, name: "Kenji Watanabe", email: "kenji.watanabe@example.com", body: "Licences favour the state majors: $600111 gains pricing power, $LYC gains customers. Both can be true.", sentiment: "bullish", disclosures: [["600111", "undisclosed", false], ["LYC", "long", false]] },
    { article: exportRules, minutes: 700, name: "Marta Silva", email: "marta.silva@example.com", body: "The licence backlog will hit Western magnet makers first; I'd not chase $LYC here.", sentiment: "bearish", disclosures: [["LYC", "none", false]] },
  ];
  for (const c of demo) {
    const exists = await db.selectFrom("comments").select("id").where("article_id", "=", c.article.id).where("body_markdown", "=", c.body).executeTakeFirst();
    if (exists) continue;
    const createdAt = new Date((c.article.published_at ?? new Date()).getTime() + c.minutes * 60_000);
    // Cashtags linked at write time, as the form's comments are.
    const mentions = await cashtagMentions(db, c.body);
    const row = await db
      .insertInto("comments")
      .values({
        article_id: c.article.id,
        status: "approved",
        author_name: c.name,
        author_email: c.email,
        body_markdown: c.body,
        body_html: renderCommentMarkdown(c.body, { cashtagHref: mentions.hrefFor }),
        created_at: createdAt,
        sentiment: c.sentiment,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordCommentTickers(db, row.id, mentions.tickers.map((t) => t.id));
    const answers = c.disclosures.flatMap(([symbol, position, connected]) => {
      const ticker_id = tickers.get(symbol);
      return ticker_id === undefined ? [] : [{ comment_id: row.id, ticker_id, position, connected }];
    });
    if (answers.length) await db.insertInto("comment_disclosures").values(answers).execute();
  }
}

/** The ticker whose chatter spikes in the demo, and how many comments mention it in the last 24 hours. */
export const DEMO_SPIKE = { exchange: "ASX", symbol: "ARU", lastDay: 24, before: 3 } as const;

/**
 * A spike alert for the queue's banner: $ARU (a rare-earth junior, where promotion
 * happens) is suddenly talked about, 24 comments in the last 24 hours against 3 in
 * the 30 days before, over the defaults (5 times the daily average, at least 20).
 * The burst is one conversation of replies on the magnet article, so its thread stays
 * readable; the earlier three are on the export-licence article. Relative to the
 * first seeding: the alert shows for the day after it. Added once.
 */
async function seedDemoSpike(db: DB, now: Date): Promise<void> {
  const [magnets, exportRules] = await Promise.all(
    [SEED_ARTICLES[1]!, SEED_ARTICLES[2]!].map((a) => db.selectFrom("articles").select(["id", "published_at"]).where("slug", "=", a.slug).executeTakeFirst()),
  );
  if (!magnets || !exportRules) return;
  const opening = "Big volume in $ARU this morning. Anyone know what's behind it?";
  if (await db.selectFrom("comments").select("id").where("article_id", "=", magnets.id).where("body_markdown", "=", opening).executeTakeFirst()) return;
  const say = [
    "$ARU chart looks ready to break out.",
    "Nothing announced that I can see. Be careful with $ARU until there is.",
    "Bought more $ARU at the open.",
    "Someone is pushing $ARU hard on every forum today.",
    "$ARU is a long way from production; the Nolans financing is the thing to watch.",
    "Same five accounts posting about $ARU everywhere. Smells like a pump.",
  ];
  const names = ["Ravi Menon", "Sophie Laurent", "Jake Turner", "Amira Haddad", "Ben Carter", "Chloe Nguyen", "Dan Ortiz", "Elena Petrova"];
  const write = async (articleId: number, parentId: number | null, i: number, body: string, createdAt: Date) => {
    const name = names[i % names.length]!;
    const mentions = await cashtagMentions(db, body);
    const row = await db
      .insertInto("comments")
      .values({
        article_id: articleId,
        parent_id: parentId,
        status: "approved",
        author_name: name,
        author_email: `${name.toLowerCase().replace(/\W+/g, ".")}@example.com`,
        body_markdown: body,
        body_html: renderCommentMarkdown(body, { cashtagHref: mentions.hrefFor }),
        created_at: createdAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordCommentTickers(db, row.id, mentions.tickers.map((t) => t.id));
    return row.id;
  };
  const hour = 3_600_000;
  for (let i = 0; i < DEMO_SPIKE.before; i++) {
    await write(exportRules.id, null, i + 3, ["$ARU needs a licence decision before anything else.", "Watching $ARU, not buying yet.", "$ARU has the permits; funding is the question."][i]!, new Date(now.getTime() - (5 - i) * 24 * hour));
  }
  // The burst, over the last 20 hours, newest a minute ago.
  const start = now.getTime() - 20 * hour;
  const step = (20 * hour - 60_000) / (DEMO_SPIKE.lastDay - 1);
  const root = await write(magnets.id, null, 0, opening, new Date(start));
  for (let i = 1; i < DEMO_SPIKE.lastDay; i++) {
    await write(magnets.id, root, i, say[i % say.length]!, new Date(start + i * step));
  }
}

/** The demo member's usual answer for $LYC (on /account; it fills in their form). */
async function seedDemoDisclosureDefault(db: DB): Promise<void> {
  const lyc = (await db.selectFrom("tickers").select("id").where("symbol", "=", "LYC").where("exchange", "=", "ASX").executeTakeFirst())?.id;
  const member = await db.selectFrom("users").select("id").where("email", "=", "member@example.com").where("deleted_at", "is", null).executeTakeFirst();
  if (member && lyc !== undefined) {
    await db
      .insertInto("disclosure_defaults")
      .values({ user_id: member.id, ticker_id: lyc, position: "long", connected: false })
      .onConflict((oc) => oc.columns(["user_id", "ticker_id"]).doNothing())
      .execute();
  }
}

/**
 * Ignore: a member who touts ("Moonshot Mike"), with an approved comment on the
 * first article, whom the demo member ignores, so that comment shows collapsed
 * for them (and "Members you ignore" on /account lists him). His account's
 * password is random: nobody logs in as him.
 */
async function seedDemoIgnore(db: DB): Promise<void> {
  const member = await db.selectFrom("users").select("id").where("email", "=", "member@example.com").where("deleted_at", "is", null).executeTakeFirst();
  const article = await db.selectFrom("articles").select("id").where("slug", "=", SEED_ARTICLES[0]!.slug).executeTakeFirst();
  if (!member || !article) return;
  await createUser(db, { email: "moonshot@example.com", displayName: "Moonshot Mike", password: randomBytes(24).toString("hex"), emailVerified: true });
  const tout = await db.selectFrom("users").select("id").where("email", "=", "moonshot@example.com").executeTakeFirst();
  if (!tout) return;
  const said = await db.selectFrom("comments").select("id").where("user_id", "=", tout.id).executeTakeFirst();
  if (!said) {
    // With a cashtag, so it is collapsed on the $LYC ticker page too.
    const body = "Rare earths are going to the moon this quarter. $LYC first. Load up before everyone else does!";
    const mentions = await cashtagMentions(db, body);
    const row = await db
      .insertInto("comments")
      .values({
        article_id: article.id,
        status: "approved",
        author_name: "Moonshot Mike",
        author_email: "moonshot@example.com",
        body_markdown: body,
        body_html: renderCommentMarkdown(body, { cashtagHref: mentions.hrefFor }),
        user_id: tout.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordCommentTickers(db, row.id, mentions.tickers.map((t) => t.id));
  }
  await db
    .insertInto("member_ignores")
    .values({ user_id: member.id, ignored_user_id: tout.id })
    .onConflict((oc) => oc.columns(["user_id", "ignored_user_id"]).doNothing())
    .execute();
}

/** The demo member's follows, by category slug: several levels, one of them muted. */
export const DEMO_FOLLOWS = {
  china: "watching",
  "supply-chain": "following",
  // Watched: the scheduled article is here, so the worker mails them when it appears.
  "policy-regulation": "watching",
  "mining-production": "weekly",
  "esg-safety": "muted",
} as const;

/**
 * The demo member's Following page and notifications: categories at several
 * levels (ESG & Safety muted, so the Baogang article leaves their home page), a
 * watched thread, their own comment with a reply to it, and two notifications:
 * the reply (unread) and a new article in China (read). The notification rows are written here as the jobs would
 * write them (the unique indexes keep them once).
 */
export async function seedDemoFollowing(db: DB): Promise<void> {
  const member = await db.selectFrom("users").select("id").where("email", "=", "member@example.com").where("deleted_at", "is", null).executeTakeFirst();
  if (!member) return;
  const categories = await db.selectFrom("categories").select(["id", "slug"]).where("slug", "in", Object.keys(DEMO_FOLLOWS)).execute();
  if (categories.length) {
    await db
      .insertInto("category_follows")
      .values(categories.map((c) => ({ user_id: member.id, category_id: c.id, level: DEMO_FOLLOWS[c.slug as keyof typeof DEMO_FOLLOWS] })))
      .onConflict((oc) => oc.columns(["user_id", "category_id"]).doNothing())
      .execute();
  }
  const [baogang, magnets, exportRules] = await Promise.all(
    SEED_ARTICLES.map((a) => db.selectFrom("articles").select(["id", "published_at"]).where("slug", "=", a.slug).executeTakeFirst()),
  );
  if (!baogang || !magnets || !exportRules) return;
  await db
    .insertInto("thread_watches")
    .values({ user_id: member.id, article_id: magnets.id })
    .onConflict((oc) => oc.columns(["user_id", "article_id"]).doNothing())
    .execute();

  const at = (article: { published_at: Date | null }, minutes: number) => new Date((article.published_at ?? new Date()).getTime() + minutes * 60_000);
  // A new article in China, which they watch, already read (the reply below is unread); listed by id, so written first.
  const announced = at(exportRules, 5);
  await sql`
    insert into notifications (user_id, kind, article_id, created_at, read_at)
    values (${member.id}, 'article', ${exportRules.id}, ${announced}, ${new Date(announced.getTime() + 3_600_000)})
    on conflict (user_id, article_id) where kind = 'article' do nothing
  `.execute(db);
  // Their comment on the export-licence article, with a reply from a guest.
  const body = "Has anyone mapped which magnet makers already hold the new licences? That list matters more than the rule text.";
  let mine = await db.selectFrom("comments").select("id").where("user_id", "=", member.id).where("body_markdown", "=", body).executeTakeFirst();
  if (!mine) {
    mine = await db
      .insertInto("comments")
      .values({
        article_id: exportRules.id,
        status: "approved",
        author_name: "Demo Member",
        author_email: "member@example.com",
        body_markdown: body,
        body_html: renderCommentMarkdown(body),
        user_id: member.id,
        notify_replies: true,
        created_at: at(exportRules, 240),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const reply = "Two of the Japanese makers said so on their last earnings calls; the rest have been quiet. I'd treat silence as a no.";
    const replyRow = await db
      .insertInto("comments")
      .values({
        article_id: exportRules.id,
        parent_id: mine.id,
        status: "approved",
        author_name: "Lars Lindqvist",
        author_email: "lars.lindqvist@example.com",
        body_markdown: reply,
        body_html: renderCommentMarkdown(reply),
        created_at: at(exportRules, 300),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("notifications")
      .values({ user_id: member.id, kind: "reply", article_id: exportRules.id, comment_id: replyRow.id, created_at: at(exportRules, 300) })
      .execute();
  }
  // Their last visit of /following was four days ago: the magnet article and its comments are new.
  await db
    .updateTable("users")
    .set({ following_visited_at: new Date(Date.now() - 4 * 86_400_000) })
    .where("id", "=", member.id)
    .where("following_visited_at", "is", null)
    .execute();
}

/**
 * Mail for the demo member, made by the real job worker once `npm start` runs:
 * they watch Policy & Regulation (DEMO_FOLLOWS: the scheduled article is mailed
 * when it appears) and the thread of the first article (approving a held comment
 * there mails them). Read it at /dev/outbox.
 */
async function seedDemoMail(db: DB): Promise<void> {
  const member = await db.selectFrom("users").select("id").where("email", "=", "member@example.com").executeTakeFirst();
  const article = await db.selectFrom("articles").select("id").where("slug", "=", SEED_ARTICLES[0]!.slug).executeTakeFirst();
  if (!member || !article) return;
  await db
    .insertInto("thread_watches")
    .values({ user_id: member.id, article_id: article.id })
    .onConflict((oc) => oc.columns(["user_id", "article_id"]).doNothing())
    .execute();
}

/**
 * The moderation queue of a trial install: two guests' first comments held for
 * review (one of them a stock tout), one comment held by each promotion rule (a
 * ticker from a new guest, a promotional phrase, paid or connected), and a
 * published comment the demo member reported. Made through the same pipeline and
 * report code as real ones.
 */
async function seedDemoQueue(db: DB): Promise<void> {
  const article = await db.selectFrom("articles").select("id").where("slug", "=", SEED_ARTICLES[0]!.slug).executeTakeFirst();
  const member = await db.selectFrom("users").select("id").where("email", "=", "member@example.com").executeTakeFirst();
  if (!article || !member) return;
  const ipHash = await hashIp(db, "127.0.0.1");
  const held = [
    {
      authorName: "Kwame A.",
      authorEmail: "kwame@example.com",
      body: "Does anyone know whether the Baiyun Obo inspections have already slowed output? I'd like to know before adding to my position.",
    },
    {
      authorName: "RareEarthRocket",
      authorEmail: "rocket@example.com",
      body: "Forget Baogang, the real 10-bagger is a tiny explorer I can't name here. Join my channel before it moons: [free picks](https://picks.example.com)",
    },
  ];
  for (const comment of held) {
    await postComment(db, { articleId: article.id, parentId: null, authorUrl: "", ipHash, userAgent: "Assay demo seed", ...comment });
  }
  // One held by each promotion rule, which names itself in the queue.
  const tickers = new Map((await db.selectFrom("tickers").select(["id", "symbol"]).where("exchange", "=", "ASX").execute()).map((t) => [t.symbol, t.id]));
  const aru = tickers.get("ARU");
  const magnets = await db.selectFrom("articles").select("id").where("slug", "=", SEED_ARTICLES[1]!.slug).executeTakeFirst();
  if (magnets && aru !== undefined) {
    const promotion = [
      // A guest email never seen before, with a ticker: the young-account rule.
      { authorName: "Nina Park", authorEmail: "nina.park@example.com", body: "Is $ILU's Eneabba refinery still on budget? Thinking of starting a position." },
      // A promotional phrase with a ticker.
      { authorName: "PennyStockPro", authorEmail: "pennystockpro@example.com", body: "$ARU is going to the moon. Price target triple today's, guaranteed." },
      // Paid or connected, ticked on the disclosure form: shown with the comment in the queue.
      {
        authorName: "Sam Whitfield",
        authorEmail: "sam.whitfield@example.com",
        body: "Full disclosure, I do paid investor outreach for Arafura. $ARU has more news coming on the Nolans offtakes.",
        disclosures: [{ tickerId: aru, position: "long" as const, connected: true }],
        connectedTickerIds: [aru],
        sentiment: "bullish" as const,
      },
    ];
    for (const [i, comment] of promotion.entries()) {
      // Addresses of their own (documentation range): the guests' rate limit is per address.
      await postComment(db, { articleId: magnets.id, parentId: null, authorUrl: "", ipHash: await hashIp(db, `192.0.2.${10 + i}`), userAgent: "Assay demo seed", ...comment });
    }
  }
  const reported = await db
    .selectFrom("comments")
    .select("id")
    .where("article_id", "=", article.id)
    .where("status", "=", "approved")
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (reported) {
    await reportComment(db, { commentId: reported.id, reporterId: member.id, reason: "off-topic", details: "This is about another company.", clientIp: "127.0.0.1" });
  }
}

