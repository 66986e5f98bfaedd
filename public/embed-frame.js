// The script of the embedded thread (/embed), inside the news site's frame:
// - tells the parent page its height whenever it changes (ResizeObserver), by
//   postMessage to the one parent origin the server allowed (data-parent-origin),
//   and, after a post, where the new comment is, so the page can scroll to it;
// - opens "Log in" in a popup on the forum's own origin and, when the popup hands
//   back its one-time ticket (only from that popup, only from this origin), trades
//   it for this frame's own session and reloads;
// - opens links that leave the embed (the forum's pages, profiles) in a new tab:
//   those pages may not be framed.
(function () {
  "use strict";
  var script = document.currentScript;
  var parentOrigin = script && script.getAttribute("data-parent-origin");
  var framed = window.parent !== window;

  function tell(message) {
    if (framed && parentOrigin) window.parent.postMessage(message, parentOrigin);
  }

  var last = 0;
  function measure() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      tell({ type: "assay:height", height: height });
    }
  }
  if (typeof ResizeObserver === "function") new ResizeObserver(measure).observe(document.body);
  window.addEventListener("load", measure);
  measure();

  // After posting, the frame comes back at #comment-N: ask the page to bring it into view.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) tell({ type: "assay:scroll", top: Math.max(0, Math.floor(target.getBoundingClientRect().top + window.scrollY)) });
  }
  window.addEventListener("load", reveal);
  window.addEventListener("hashchange", reveal);

  // Links out of the embed open in a new tab.
  function isEmbedLink(anchor) {
    return anchor.origin === location.origin && anchor.pathname === "/embed";
  }
  var links = document.querySelectorAll("a[href]");
  for (var i = 0; i < links.length; i++) {
    var a = links[i];
    if (a.getAttribute("href").charAt(0) === "#" || a.hasAttribute("data-assay-login") || isEmbedLink(a)) continue;
    a.target = "_blank";
    a.rel = (a.rel ? a.rel + " " : "") + "noopener";
  }

  var popup = null;
  document.addEventListener("click", function (event) {
    var anchor = event.target && event.target.closest && event.target.closest("a[data-assay-login]");
    if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    popup = window.open(anchor.href, "assay-login", "popup,width=520,height=720");
    if (!popup) location.href = anchor.href;
  });

  window.addEventListener("message", function (event) {
    if (event.origin !== location.origin || !popup || event.source !== popup) return;
    var data = event.data;
    if (!data || data.type !== "assay:login" || typeof data.ticket !== "string") return;
    popup = null;
    var body = new URLSearchParams();
    body.set("ticket", data.ticket);
    fetch("/embed/session", { method: "POST", body: body, credentials: "same-origin" }).then(function () {
      location.reload();
    });
  });
})();
