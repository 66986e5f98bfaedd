// The template of a member's page: cut where the made-up member's tokens are, filled
// with one member's words escaped for where each hole sits, its policy hash made
// again, and refused where a token sits somewhere a hole could not be filled safely.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { inlineScriptHashes } from "~/lib/csp.server";
import { fillTemplate, parseTemplate, templateKey, VIEWER_TOKENS, type ViewerTemplate } from "~/lib/viewer-template";

const { name: NAME, id: ID, unread: UNREAD } = VIEWER_TOKENS;

function page(script: string, body = `<a aria-label="Your account (${NAME})">${NAME}</a><span>${UNREAD}</span>`) {
  return `<!DOCTYPE html><html><head><script type="application/ld+json">{"a":1}</script></head><body>${body}<p>${"thread ".repeat(2000)}</p><script>window.__remixContext = ${script};</script><script>ok()</script></body></html>`;
}
const script = `{"root":{"user":{"id":"${ID}","displayName":"${NAME}"},"unread":"${UNREAD}"}}`;
const policy = (html: string) => `script-src 'self' ${inlineScriptHashes(html).join(" ")}; object-src 'none'`;

describe("a member page's template", () => {
  it("fills the holes as React (HTML) and Remix (JSON) would write the words, plain and gzipped, with the policy's hash made again", () => {
    const html = page(script);
    const template = parseTemplate(html, policy(html), { "content-type": "text/html" })!;
    expect(template).not.toBeNull();
    const name = `Zoë "A&B" <O'Neil>\u2028`;
    const plain = fillTemplate(template, { name, id: 42, unread: 7 }, "identity");
    const expected = page(
      `{"root":{"user":{"id":42,"displayName":"Zoë \\"A\\u0026B\\" \\u003cO'Neil\\u003e\\u2028"},"unread":7}}`,
      `<a aria-label="Your account (Zoë &quot;A&amp;B&quot; &lt;O&#x27;Neil&gt;\u2028)">Zoë &quot;A&amp;B&quot; &lt;O&#x27;Neil&gt;\u2028</a><span>7</span>`,
    );
    expect(Buffer.concat(plain.parts).toString("utf8")).toBe(expected);
    expect(plain.length).toBe(Buffer.byteLength(expected));
    // The filled script parses to the member's values.
    const filledScript = expected.slice(expected.indexOf("window.__remixContext = "), expected.indexOf(";</script><script>ok()"));
    expect(JSON.parse(filledScript.slice("window.__remixContext = ".length))).toEqual({ root: { user: { id: 42, displayName: name }, unread: 7 } });
    expect(plain.csp).toBe(policy(expected));
    const zipped = fillTemplate(template, { name, id: 42, unread: 7 }, "gzip");
    expect(gunzipSync(Buffer.concat(zipped.parts)).toString("utf8")).toBe(expected);
    expect(zipped.length).toBe(Buffer.concat(zipped.parts).length);
    expect(zipped.csp).toBe(plain.csp);
    expect(zipped.length).toBeLessThan(plain.length / 5);
  });

  it("refuses a page it could not fill safely", () => {
    const cases: [string, string][] = [
      ["no hydration script", `<html><body>${NAME}</body></html>`],
      // Inside another script (the structured data), HTML escaping would be wrong.
      ["a token in another script", page(script).replace(`{"a":1}`, `{"a":"${NAME}"}`)],
      // In the JSON, only a whole string can take the member's value.
      ["a token inside a longer JSON string", page(`{"root":{"user":{"displayName":"Dear ${NAME}"}}}`)],
    ];
    for (const [label, html] of cases) expect([label, parseTemplate(html, policy(html), {})]).toEqual([label, null]);
    const html = page(script);
    // The policy must carry the script's hash, once.
    expect(parseTemplate(html, "script-src 'self'", {})).toBeNull();
    const hash = `'sha256-${createHash("sha256").update(script.replace(/^/, "window.__remixContext = ") + ";").digest("base64")}'`;
    expect(policy(html)).toContain(hash);
    expect(parseTemplate(html, `${policy(html)} ${hash}`, {})).toBeNull();
  });

  it("keys templates by every flag that changes a page's shape", () => {
    const base: ViewerTemplate = { role: "member", emailVerified: true, watchingThread: false, notifyRepliesDefault: true, hasUnread: false, ignoredUserIds: [] };
    const variants: ViewerTemplate[] = [
      base,
      { ...base, role: "editor" },
      { ...base, emailVerified: false },
      { ...base, watchingThread: true },
      { ...base, notifyRepliesDefault: false },
      { ...base, hasUnread: true },
      { ...base, ignoredUserIds: [3, 12] },
    ];
    const keys = new Set(variants.map((v) => templateKey("/articles/a", v)));
    expect(keys.size).toBe(variants.length);
    expect(templateKey("/articles/a", base)).not.toBe(templateKey("/articles/b", base));
  });
});
