import { describe, expect, it } from "vitest";
import { countLinks, findListedWord, parseWordList } from "~/lib/word-rules";
import { renderCommentMarkdown } from "~/lib/markdown.server";

describe("word lists", () => {
  it("reads one entry per line or comma, trimmed, lower case, without blanks or repeats", () => {
    expect(parseWordList(" Casino \n\npump  and   dump, CASINO\n  ,moon")).toEqual(["casino", "pump and dump", "moon"]);
  });

  it("matches whole words only, in any case, with any spacing inside a phrase", () => {
    const words = ["pump", "to the moon"];
    expect(findListedWord({ comment: "PUMP it" }, words)).toEqual({ word: "pump", field: "comment" });
    expect(findListedWord({ comment: "a pump-and-dump" }, words)).toEqual({ word: "pump", field: "comment" });
    expect(findListedWord({ comment: "pumpkin and pumped storage" }, words)).toBeNull();
    expect(findListedWord({ comment: "straight To  the\nMoon" }, words)).toEqual({ word: "to the moon", field: "comment" });
    expect(findListedWord({ comment: "honeymoon" }, ["moon"])).toBeNull();
  });

  it("looks in every field given and says which matched", () => {
    expect(findListedWord({ comment: "fine", email: "win@casino.example" }, ["casino"])).toEqual({ word: "casino", field: "email" });
    expect(findListedWord({ website: "https://best-casino.example" }, ["casino"])).toEqual({ word: "casino", field: "website" });
  });

  it("treats regular-expression characters in a word literally", () => {
    expect(findListedWord({ comment: "C++ rocks" }, ["c++"])).toEqual({ word: "c++", field: "comment" });
    expect(findListedWord({ comment: "cc rocks" }, ["c++"])).toBeNull();
    expect(findListedWord({ comment: "a.b" }, ["a.b"])).toEqual({ word: "a.b", field: "comment" });
    expect(findListedWord({ comment: "axb" }, ["a.b"])).toBeNull();
  });
});

describe("counting links", () => {
  it("counts Markdown links, autolinks and bare URLs in the rendered comment", () => {
    expect(countLinks(renderCommentMarkdown("[a](https://a.example) <https://b.example> https://c.example www.d.example"))).toBe(4);
    expect(countLinks(renderCommentMarkdown("no links, just example dot com"))).toBe(0);
  });
});
