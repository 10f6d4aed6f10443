// The team's dashboard, live. The page comes with every panel drawn; the feed (server-sent events) sends a panel's
// markup again whenever it changed, drawn by the same server code that drew the page, whose encoder escapes every
// value. Without EventSource the page reloads itself every 10 s.
"use strict";
(() => {
  const root = document.getElementById("dashboard");
  const state = document.getElementById("live-state");
  const show = (live, text) => { root.dataset.live = live; state.textContent = text; };
  if (!window.EventSource) { setTimeout(() => location.reload(), 10000); return; }
  show("connecting", "Connecting…");
  const feed = new EventSource(root.dataset.feed);
  feed.onmessage = event => {
    for (const [id, { version, html }] of Object.entries(JSON.parse(event.data))) {
      const panel = document.getElementById(id);
      // A panel already as sent stays as it is: no flicker, no lost focus or selection in it.
      if (!panel || panel.dataset.version === version) continue;
      panel.innerHTML = html;
      panel.dataset.version = version;
    }
    if (root.dataset.live !== "open") show("open", "Live");
  };
  // EventSource reconnects by itself (the feed asks for a second's wait); a feed that answers 401 (signed out
  // elsewhere) closes it for good, and a reload takes the browser to the sign-in page.
  feed.onerror = () => {
    if (feed.readyState === EventSource.CLOSED) { show("closed", "Disconnected: reload the page."); return; }
    show("reconnecting", "Reconnecting…");
  };
})();
