// A static index of every migration. Node 20 cannot import .ts files from disk
// at run time, so the Migrator reads migrations from here instead of a folder.
// Add each new migration below, in order; names sort by their number.
import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_articles_and_comments";
import * as m0002 from "./0002_accounts";
import * as m0003 from "./0003_moderation";
import * as m0004 from "./0004_performance";
import * as m0005 from "./0005_report_safeguards";
import * as m0006 from "./0006_publishing";
import * as m0007 from "./0007_following";
import * as m0008 from "./0008_mail_deliveries";
import * as m0009 from "./0009_imports";
import * as m0010 from "./0010_embed";
import * as m0011 from "./0011_tickers";
import * as m0013 from "./0013_disclosure_sentiment";
import * as m0014 from "./0014_promotion_defences";
import * as m0015 from "./0015_labels_and_ticker_mail";
import * as m0016 from "./0016_member_notices";

export const migrations: Record<string, Migration> = {
  "0001_articles_and_comments": m0001,
  "0002_accounts": m0002,
  "0003_moderation": m0003,
  "0004_performance": m0004,
  "0005_report_safeguards": m0005,
  "0006_publishing": m0006,
  "0007_following": m0007,
  "0008_mail_deliveries": m0008,
  "0009_imports": m0009,
  "0010_embed": m0010,
  "0011_tickers": m0011,
  "0013_disclosure_sentiment": m0013,
  "0014_promotion_defences": m0014,
  "0015_labels_and_ticker_mail": m0015,
  "0016_member_notices": m0016,
};
