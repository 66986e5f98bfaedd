// What crawlers read about an article: JSON-LD NewsArticle with its approved
// comments (first page) as Comment items. Names, dates and text only: a
// commenter's email is never part of a thread node, so it cannot reach here.
import { htmlToText } from "../lib/markdown.server";
import type { ArticleDetail } from "../models/articles.server";
import type { ThreadNode } from "../models/comments.server";

export interface LdComment {
  id: number;
  author: string;
  dateCreated: string;
  text: string;
}

/** The approved comments of a page of the thread, in order, as plain text. */
export function ldComments(thread: ThreadNode[]): LdComment[] {
  const out: LdComment[] = [];
  const walk = (nodes: ThreadNode[]) => {
    for (const node of nodes) {
      if (node.status === "approved") out.push({ id: node.id, author: node.authorName, dateCreated: node.createdAt, text: htmlToText(node.bodyHtml) });
      walk(node.replies);
    }
  };
  walk(thread);
  return out;
}

export function newsArticleJsonLd(input: { article: ArticleDetail; url: string; comments: LdComment[] }): Record<string, unknown> {
  const { article, url } = input;
  return {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    url,
    headline: article.title.slice(0, 110),
    description: article.excerpt,
    datePublished: article.publishedAt,
    dateModified: article.updatedAt,
    author: article.byline ? { "@type": "Person", name: article.byline } : { "@type": "Organization", name: "Assay" },
    publisher: { "@type": "Organization", name: "Assay" },
    articleSection: article.categories.map((c) => c.name),
    commentCount: article.approvedCommentCount,
    comment: input.comments.map((c) => ({
      "@type": "Comment",
      url: `${url}#comment-${c.id}`,
      author: { "@type": "Person", name: c.author },
      dateCreated: c.dateCreated,
      text: c.text,
    })),
  };
}
