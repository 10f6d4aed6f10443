// The card step of a pledge: ask our API for a card setup (waiting in line under a rush), confirm it at the payment
// provider, then follow the setup on our API until the provider's webhook has settled it. With the Stripe emulator the
// confirmation is the emulator's test-mode form post (a "simple" cross-origin request whose answer the page does not
// need: the outcome comes back through our API). Against Stripe itself this is where Stripe.js confirmCardSetup goes.
"use strict";
window.crowdfundCard = (() => {
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const say = (el, text) => { el.textContent = text; };
  const format = (text, ...values) => values.reduce((t, v, i) => t.replace(`{${i}}`, v), text);

  async function setup(section, method) {
    const { pledge, token, emulator } = section.dataset;
    const status = section.querySelector("#card-status");
    const auth = { Authorization: `Bearer ${token}` };
    const url = `/v1/pledges/${pledge}/payment-setup`;
    say(status, texts.saving);
    let response = await fetch(url, { method: "POST", headers: auth });
    let answer = await response.json();
    while (response.status === 202) {
      say(status, format(texts.queued, answer.queue?.place ?? "…", answer.queue?.estimatedSeconds ?? "…"));
      await sleep(Math.min(5000, Math.max(500, (answer.queue?.estimatedSeconds ?? 1) * 500)));
      response = await fetch(url, { headers: auth });
      answer = await response.json();
    }
    if (!response.ok || !answer.clientSecret) { say(status, texts.error); return false; }
    if (!emulator) { say(status, texts.error); return false; }
    const before = answer.failure?.message ?? null;
    await fetch(`${emulator}/v1/setup_intents/${encodeURIComponent(answer.setupIntentId)}/confirm`, {
      method: "POST", mode: "no-cors",
      body: new URLSearchParams({ key: answer.publishableKey, client_secret: answer.clientSecret, payment_method: method }),
    });
    for (let i = 0; i < 60; i++) {
      await sleep(250);
      const now = await (await fetch(url, { headers: auth })).json();
      if (now.status === "Succeeded") return true;
      if (now.status === "Failed" && (now.failure?.message !== before || i > 12)) {
        say(status, texts.cardRefused + (now.failure?.message ? ` (${now.failure.message})` : ""));
        return false;
      }
    }
    say(status, texts.error);
    return false;
  }

  function wire(section, lang) {
    const button = section.querySelector("#save-card");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const saved = await setup(section, section.querySelector("#test-card").value);
        if (saved) {
          const { pledge, token } = section.dataset;
          location.href = `/pledges/${pledge}?token=${encodeURIComponent(token)}&lang=${encodeURIComponent(lang)}`;
        }
      } catch {
        say(section.querySelector("#card-status"), texts.error);
      } finally {
        button.disabled = false;
      }
    });
  }

  const section = document.getElementById("card-step");
  if (section) wire(section, document.documentElement.lang);
  return { texts, format };
})();
