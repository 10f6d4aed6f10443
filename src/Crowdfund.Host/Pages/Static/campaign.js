// The campaign page's live parts: the pledge form sent to the public API (errors shown by their fields, in the page's
// language), the card step after the reservation, and the remaining rewards and progress refreshed every few seconds.
"use strict";
(() => {
  const { texts, format } = window.crowdfundCard;
  const form = document.getElementById("pledge");
  const { slug, country, locale } = form.dataset;
  const chooser = document.querySelector(".chooser");
  chooser.querySelectorAll("select").forEach(s => s.addEventListener("change", () => chooser.submit()));

  // One Idempotency-Key per distinct request: sending the same pledge again (a lost answer) cannot pledge twice,
  // and a corrected form is a new request.
  const keys = new Map();
  const keyFor = body => keys.get(body) ?? keys.set(body, crypto.randomUUID()).get(body);

  function clearErrors() {
    form.querySelectorAll(".error").forEach(e => { e.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(e => e.removeAttribute("aria-invalid"));
  }

  function showError(field, text) {
    const slot = document.getElementById(`err-${field}`) ?? document.getElementById("err-form");
    slot.textContent = text;
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
    if (input && input.type !== "radio") input.setAttribute("aria-invalid", "true");
  }

  function markSoldOut(tierId) {
    const tier = form.querySelector(`.tier[data-tier="${CSS.escape(tierId)}"]`);
    if (!tier) return;
    const radio = tier.querySelector("input[type=radio]");
    radio.checked = false;
    radio.disabled = true;
    tier.classList.add("closed");
    tier.querySelector(".availability").textContent = tier.dataset.soldOutText;
  }

  form.addEventListener("submit", async event => {
    event.preventDefault();
    clearErrors();
    const value = name => form.elements[name]?.value ?? "";
    const tierId = form.querySelector("input[name=tierId]:checked")?.value ?? null;
    const body = JSON.stringify({
      tierId, quantity: Number.parseInt(value("quantity"), 10) || 0, country, locale,
      backer: { name: value("backer.name"), email: value("backer.email") },
      shippingAddress: {
        line1: value("shippingAddress.line1"), line2: value("shippingAddress.line2") || null,
        city: value("shippingAddress.city"), region: value("shippingAddress.region") || null,
        postalCode: value("shippingAddress.postalCode"),
      },
    });
    const button = document.getElementById("reserve");
    button.disabled = true;
    try {
      const response = await fetch(`/v1/campaigns/${slug}/pledges`, {
        method: "POST", body, headers: { "Content-Type": "application/json", "Idempotency-Key": keyFor(body) },
      });
      const answer = await response.json();
      if (response.status === 201) return reserved(answer);
      const code = (answer.type ?? "").split(":").pop();
      if (code === "validation-failed") {
        for (const e of answer.errors ?? []) showError(e.field, texts[`err.${e.field === "tierId" ? "tierId" : e.code}`] ?? e.message);
      } else if (code === "sold-out") {
        markSoldOut(tierId);
        showError("tierId", texts["err.sold-out"]);
      } else if (code === "quantity-out-of-range") {
        showError("quantity", texts["err.quantity-out-of-range"]);
      } else {
        showError("form", texts[`err.${code}`] ?? texts.error);
      }
      form.querySelector("[aria-invalid], .error:not(:empty)")?.scrollIntoView({ block: "center" });
    } catch {
      showError("form", texts.error);
    } finally {
      button.disabled = false;
    }
  });

  function reserved(pledge) {
    form.hidden = true;
    const card = document.getElementById("card-step");
    card.dataset.pledge = pledge.id;
    card.dataset.token = pledge.token;
    card.hidden = false;
    card.querySelector("#save-card").focus();
  }

  async function refresh() {
    try {
      const response = await fetch(`/v1/campaigns/${slug}?country=${country}`);
      if (!response.ok) return;
      const campaign = await response.json();
      const p = campaign.progress;
      const bar = document.getElementById("progress-bar");
      bar.max = p.goalUnits;
      bar.value = Math.min(p.confirmedUnits, p.goalUnits);
      document.getElementById("progress-text").textContent = format(texts.progress, p.confirmedUnits, p.goalUnits);
      for (const tier of campaign.tiers) {
        if (tier.remaining === null || tier.remaining === undefined) continue;
        if (tier.remaining <= 0) { markSoldOut(tier.id); continue; }
        const el = form.querySelector(`.tier[data-tier="${CSS.escape(tier.id)}"] .availability`);
        if (el) el.textContent = format(texts.left, tier.remaining);
      }
    } catch {
      // The next refresh tries again.
    }
  }
  setInterval(refresh, 5000);
})();
