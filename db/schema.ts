// Row types for every table, in one Database interface (Kysely's convention).
// Migrations never import this file: they are frozen in time and take Kysely<any>.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export const COMMENT_STATUSES = ["pending", "approved", "spam", "trash"] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  created_at: Generated<Date>;
}

export interface ArticlesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  /** The "Highlights" bullet points shown above the body. */
  highlights: ColumnType<string[], string[] | undefined, string[]>;
  body_markdown: string;
  /** Rendered and sanitized once, when the article is saved. */
  body_html: string;
  excerpt: string;
  byline: string;
  /** Null while the article is a draft; in the future it is scheduled. */
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ArticleCategoriesTable {
  article_id: number;
  category_id: number;
}

export interface CommentsTable {
  id: Generated<number>;
  article_id: number;
  parent_id: number | null;
  status: ColumnType<CommentStatus, CommentStatus | undefined, CommentStatus>;
  author_name: string;
  /** Never sent to a browser except to moderators (see app/models/comments.server.ts). */
  author_email: string;
  author_url: Generated<string>;
  body_markdown: string;
  /** Rendered and sanitized once, at write time. */
  body_html: string;
  /** Why the moderation pipeline held the comment, shown to moderators. */
  held_reason: string | null;
  /** HMAC of the poster's IP address: enough to spot a flood, useless to identify anyone. */
  ip_hash: Generated<string>;
  user_agent: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SiteSecretsTable {
  name: string;
  value: string;
  created_at: Generated<Date>;
}

export interface Database {
  categories: CategoriesTable;
  articles: ArticlesTable;
  article_categories: ArticleCategoriesTable;
  comments: CommentsTable;
  site_secrets: SiteSecretsTable;
}

export type Category = Selectable<CategoriesTable>;
export type Article = Selectable<ArticlesTable>;
export type NewArticle = Insertable<ArticlesTable>;
export type Comment = Selectable<CommentsTable>;
export type NewComment = Insertable<CommentsTable>;
export type CommentUpdate = Updateable<CommentsTable>;
