// The team's dashboard, drawn from the live feed (server-sent events) as small inline SVG charts and tables. Every
// text goes in through textContent, never as markup. Without EventSource the page reloads itself every 10 s.
"use strict";
(() => {
  const root = document.getElementById("dashboard");
  const SVG = "http://www.w3.org/2000/svg";
  const el = (tag, attrs = {}, text) => {
    const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const number = n => new Intl.NumberFormat("en").format(n);
  const money = (minor, currency) =>
    new Intl.NumberFormat("en", { style: "currency", currency }).format(minor / 100);
  const moment = iso => iso ? new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) : "—";
  const percent = (part, whole) => whole > 0 ? `${Math.round(part * 1000 / whole) / 10} %` : "—";
  const fill = (id, ...nodes) => document.getElementById(id).replaceChildren(...nodes);

  function table(caption, headers, rows) {
    const t = el("table");
    t.append(el("caption", {}, caption));
    const head = el("tr");
    headers.forEach(h => head.append(el("th", { scope: "col" }, h)));
    t.append(head);
    for (const row of rows) {
      const tr = el("tr");
      row.forEach((cell, i) => tr.append(el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, String(cell))));
      t.append(tr);
    }
    return t;
  }

  // Horizontal bars, one per label: a solid part (confirmed) and a light part (reserved) against a common scale.
  function bars(title, items, scale) {
    const height = 26 * items.length + 4;
    const svg = el("svg:svg", { viewBox: `0 0 420 ${height}`, role: "img", "aria-label": title, class: "chart" });
    const max = Math.max(scale ?? 0, ...items.map(i => i.solid + (i.light ?? 0)), 1);
    items.forEach((item, n) => {
      const y = 4 + n * 26;
      svg.append(el("svg:text", { x: 0, y: y + 15, class: "label" }, item.label));
      const w1 = 260 * item.solid / max, w2 = 260 * (item.light ?? 0) / max;
      svg.append(el("svg:rect", { x: 90, y, width: w1, height: 18, class: "solid" }));
      svg.append(el("svg:rect", { x: 90 + w1, y, width: w2, height: 18, class: "light" }));
      svg.append(el("svg:text", { x: 96 + w1 + w2, y: y + 15, class: "value" }, item.text));
    });
    return svg;
  }

  function goal(d) {
    const crossed = d.events.find(e => e.kind.includes("manufacturing"));
    const chart = bars("Confirmed and reserved units against the goal",
      [{ label: "Units", solid: d.confirmedUnits, light: d.reservedUnits, text: `${number(d.confirmedUnits)} / ${number(d.goalUnits)}` }],
      d.goalUnits);
    const x = 90 + 260 * d.goalUnits / Math.max(d.goalUnits, d.confirmedUnits + d.reservedUnits);
    chart.append(el("svg:line", { x1: x, x2: x, y1: 0, y2: 30, class: "goal-line" }));
    const summary = el("p", { class: "big", id: "confirmed-units" },
      `${number(d.confirmedUnits)} of ${number(d.goalUnits)} units confirmed (${percent(d.confirmedUnits, d.goalUnits)}), ${number(d.reservedUnits)} reserved, ${number(d.backers)} backers`);
    const when = el("p", { id: "crossed" }, crossed ? `Goal crossed ${moment(crossed.occurredAt)}: manufacturing confirmed.` : "Goal not reached yet.");
    const cash = Object.entries(d.confirmedMoneyByCurrency).map(([c, m]) => money(m, c)).join(" · ");
    fill("goal", summary, chart, when, el("p", {}, `Confirmed money: ${cash || "none yet"} · status ${d.status}, deadline ${moment(d.deadline)}`));
  }

  function pace(d) {
    const points = [...d.events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
      .map(e => ({ t: Date.parse(e.occurredAt), u: e.confirmedUnits }));
    points.push({ t: Date.parse(d.asOf), u: d.confirmedUnits });
    const end = d.estimatedGoalAt ? Date.parse(d.estimatedGoalAt) : Date.parse(d.asOf);
    const t0 = points[0].t, t1 = Math.max(end, t0 + 1), top = Math.max(d.goalUnits, d.confirmedUnits, 1);
    const X = t => 10 + 400 * (t - t0) / (t1 - t0), Y = u => 110 - 100 * u / top;
    const svg = el("svg:svg", { viewBox: "0 0 420 120", role: "img", class: "chart",
      "aria-label": "Confirmed units over time, with the forecast to the goal" });
    svg.append(el("svg:line", { x1: 10, x2: 410, y1: Y(d.goalUnits), y2: Y(d.goalUnits), class: "goal-line" }));
    svg.append(el("svg:polyline", { points: points.map(p => `${X(p.t)},${Y(p.u)}`).join(" "), class: "series" }));
    if (d.estimatedGoalAt) {
      const last = points[points.length - 1];
      svg.append(el("svg:line", { x1: X(last.t), y1: Y(last.u), x2: X(end), y2: Y(d.goalUnits), class: "forecast" }));
    }
    fill("pace", el("p", { class: "big" }, `${number(Math.round(d.velocityUnitsPerHour * 10) / 10)} units/hour`),
      svg, el("p", {}, d.estimatedGoalAt ? `Forecast: goal reached ${moment(d.estimatedGoalAt)}` : "No forecast: goal reached or no pace yet."));
  }

  function countries(f) {
    const d = f.dashboard;
    const codes = [...new Set([...Object.keys(d.confirmedUnitsByCountry), ...Object.keys(d.reservedUnitsByCountry)])].sort();
    const chart = bars("Units by country: confirmed, then reserved", codes.map(c => ({
      label: c, solid: d.confirmedUnitsByCountry[c] ?? 0, light: d.reservedUnitsByCountry[c] ?? 0,
      text: `${d.confirmedUnitsByCountry[c] ?? 0} (+${d.reservedUnitsByCountry[c] ?? 0})`,
    })));
    fill("countries", chart, table("Confirmed money by country, each currency on its own line", ["Country", "Currency", "Units", "Money"],
      f.money.map(m => [m.country, m.currency, number(m.units), money(m.total, m.currency)])));
  }

  function tiers(d) {
    const chart = bars("Confirmed units by tier", d.tiers.map(t => ({
      label: t.tierId, solid: t.confirmedUnits, light: t.reservedUnits, text: `${t.confirmedUnits} (+${t.reservedUnits})`,
    })));
    fill("tiers", chart, table("Tiers", ["Tier", "Backers", "Remaining", "Money"], d.tiers.map(t => [
      t.tierId, number(t.confirmedBackers), t.remaining === null ? "unlimited" : number(t.remaining),
      Object.entries(t.confirmedMoneyByCurrency).map(([c, m]) => money(m, c)).join(" · ") || "—",
    ])));
  }

  function milestones(d) {
    const list = el("ol", { class: "events" });
    [...d.events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
      .forEach(e => list.append(el("li", {}, `${e.kind} — ${moment(e.occurredAt)} at ${number(e.confirmedUnits)} units`)));
    fill("milestones", d.events.length ? list : el("p", {}, "No milestone yet."));
  }

  function appetite(f) {
    const rows = f.appetite.map(a => [a.country, number(a.views), number(a.reservations), number(a.savedCards), number(a.collected),
      percent(a.reservations, a.views), percent(a.savedCards, a.reservations), percent(a.collected, a.savedCards),
      percent(a.abandoned, a.reservations)]);
    const chart = bars("Reservations per country, and how many saved a card", f.appetite.map(a => ({
      label: a.country, solid: a.savedCards, light: a.reservations - a.savedCards, text: `${a.savedCards}/${a.reservations}`,
    })));
    fill("appetite", chart, table("Page views, reservations, saved cards and collected pledges per country, with the conversion at each step",
      ["Country", "Views", "Reserved", "Card saved", "Collected", "View→reserve", "Reserve→card", "Card→collected", "Abandoned"], rows));
  }

  function collection(c) {
    if (!c) return fill("collection", el("p", {}, "Collection starts when the campaign ends successfully."));
    const statuses = Object.entries(c.pledges).map(([s, n]) => `${s}: ${number(n)}`).join(" · ");
    const dropped = c.byCountry.map(x => [x.key, x.currency, number(x.collectedUnits), money(x.collected, x.currency),
      money(x.refunded, x.currency), number(x.droppedUnits)]);
    fill("collection",
      el("p", { class: "big" }, `${c.kind} run ${c.status}: ${number(c.remaining)} pledges left, ${Math.round(c.chargesPerSecond * 10) / 10} charges/s, estimated end ${moment(c.estimatedEnd)}`),
      bars("Collected units against the goal", [{ label: "Collected", solid: c.collectedUnits, light: Math.max(0, c.collectableUnits - c.collectedUnits), text: `${c.collectedUnits} / ${c.goalUnits}` }], c.goalUnits),
      el("p", { class: c.belowGoal ? "error" : "" }, c.belowGoal ? "What can still be collected is below the goal." : statuses),
      table("Collected and dropped by country", ["Country", "Currency", "Units", "Collected", "Refunded", "Dropped units"], dropped));
  }

  function render(f) {
    goal(f.dashboard); pace(f.dashboard); countries(f); tiers(f.dashboard); milestones(f.dashboard); appetite(f); collection(f.collection);
  }

  render(JSON.parse(document.getElementById("initial").textContent));
  const state = document.getElementById("live-state");
  if (!window.EventSource) { setTimeout(() => location.reload(), 10000); return; }
  const feed = new EventSource(root.dataset.feed);
  feed.onmessage = event => { render(JSON.parse(event.data)); state.textContent = "Live"; };
  feed.onerror = () => { state.textContent = "Reconnecting…"; };
})();
