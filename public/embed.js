/*! Assay embed: the forum's thread in a news site's page. Use:
   <div id="assay-thread" data-url="CANONICAL URL" data-title="TITLE"></div>
   <script src="https://FORUM/embed.js" async></script> */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var forum = new URL(script.src).origin;

  function start() {
    var box = document.getElementById("assay-thread");
    if (!box || box.getAttribute("data-assay-ready")) return;
    box.setAttribute("data-assay-ready", "1");
    var canonical = document.querySelector('link[rel="canonical"]');
    var url = box.getAttribute("data-url") || (canonical && canonical.href) || location.href.split("#")[0];
    var title = box.getAttribute("data-title") || document.title;
    var frame = document.createElement("iframe");
    frame.src =
      forum + "/embed?url=" + encodeURIComponent(url) + "&origin=" + encodeURIComponent(location.origin) + (title ? "&title=" + encodeURIComponent(title) : "");
    frame.title = "Comments";
    frame.setAttribute("scrolling", "no");
    frame.style.cssText = "display:block;width:100%;height:320px;border:0;overflow:hidden;color-scheme:normal";
    box.appendChild(frame);

    window.addEventListener("message", function (event) {
      // Only the forum's own frame may speak; anything else is ignored.
      if (event.origin !== forum || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || typeof data !== "object") return;
      if (data.type === "assay:height" && typeof data.height === "number" && data.height > 0 && data.height < 1e6) {
        frame.style.height = Math.ceil(data.height) + "px";
      } else if (data.type === "assay:scroll" && typeof data.top === "number" && data.top >= 0) {
        window.scrollTo({ top: frame.getBoundingClientRect().top + window.scrollY + data.top - 16, behavior: "smooth" });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
