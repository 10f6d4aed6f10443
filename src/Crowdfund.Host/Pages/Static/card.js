// The card step of a pledge: ask our API for a card setup (waiting in line under a rush), confirm it at the payment
// provider, then follow the setup on our API until the provider's webhook has settled it. With the Stripe emulator the
// confirmation is the emulator's test-mode form post (a "simple" cross-origin request whose answer the page does not
// need: the outcome comes back through our API). Against Stripe itself it is Stripe.js's confirmCardSetup with its card
// field, Stripe.js loaded from Stripe only then (that path needs Stripe's servers, which the tests here cannot reach).
"use strict";
window.crowdfundCard = (() => {
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const say = (el, text) => { el.textContent = text; };
  const format = (text, ...values) => values.reduce((t, v, i) => t.replace(`{${i}}`, v), text);

  let stripeJs = null;
  const loadStripe = key => stripeJs ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "https://js.stripe.com/v3/";
    script.onload = () => resolve(window.Stripe(key));
    script.onerror = reject;
    document.head.append(script);
  });

  async function setup(section, method) {
    const { pledge, token, emulator, stripeKey } = section.dataset;
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
    const before = answer.failure?.message ?? null;
    if (emulator) {
      await fetch(`${emulator}/v1/setup_intents/${encodeURIComponent(answer.setupIntentId)}/confirm`, {
        method: "POST", mode: "no-cors",
        body: new URLSearchParams({ key: answer.publishableKey, client_secret: answer.clientSecret, payment_method: method }),
      });
    } else if (stripeKey && section.card) {
      const result = await (await loadStripe(stripeKey)).confirmCardSetup(answer.clientSecret, { payment_method: { card: section.card } });
      if (result.error) { say(status, `${texts.cardRefused} (${result.error.message})`); return false; }
    } else {
      say(status, texts.error);
      return false;
    }
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

  // After a failed charge a new card is charged at once: wait (a while at most) for that charge's outcome, so that
  // the page shows it rather than the failure before it.
  async function charged(section) {
    const { pledge, token, chargeAttempts } = section.dataset;
    say(section.querySelector("#card-status"), texts.charging);
    for (let i = 0; i < 60; i++) {
      const answer = await (await fetch(`/v1/pledges/${pledge}/payment`, { headers: { Authorization: `Bearer ${token}` } })).json();
      const payment = answer.payment ?? {};
      if (payment.status === "Collected" || (payment.chargeAttempts > Number(chargeAttempts) && payment.status !== "PaymentPending")) return;
      await sleep(500);
    }
  }

  // The bank wants the backer to confirm a charge: confirm the payment on-session at the provider with the saved card;
  // its answer names the bank's confirmation page, which sends the backer back here. (Stripe.js confirmCardPayment
  // does the same in a frame of its own.)
  async function authenticate(button) {
    const { pledge, token, emulator, stripeKey } = button.dataset;
    const status = document.getElementById("authenticate-status");
    say(status, texts.authenticating);
    const answer = await (await fetch(`/v1/pledges/${pledge}/payment`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const action = answer.payment?.action;
    if (!action || !(emulator || stripeKey)) { say(status, texts.error); return; }
    const back = new URL(location.href);
    ["payment_intent", "payment_intent_client_secret", "redirect_status"].forEach(k => back.searchParams.delete(k));
    if (!emulator) {
      // Stripe.js shows the bank's challenge in a frame of its own and answers when it is done.
      const result = await (await loadStripe(stripeKey)).confirmCardPayment(action.clientSecret,
        action.paymentMethodId ? { payment_method: action.paymentMethodId } : {});
      if (result.error) { say(status, result.error.message ?? texts.error); return; }
      back.searchParams.set("redirect_status", "succeeded");
      location.href = back.href;
      return;
    }
    const body = new URLSearchParams({ key: answer.publishableKey, client_secret: action.clientSecret, return_url: back.href });
    if (action.paymentMethodId) body.set("payment_method", action.paymentMethodId);
    const intent = await (await fetch(`${emulator}/v1/payment_intents/${encodeURIComponent(action.paymentIntentId)}/confirm`,
      { method: "POST", body })).json();
    const next = intent.next_action?.redirect_to_url?.url;
    if (next) { location.href = next; return; }
    if (intent.status === "succeeded" || intent.status === "processing") {
      back.searchParams.set("redirect_status", "succeeded");
      location.href = back.href;
      return;
    }
    say(status, texts.error);
  }

  function wire(section, lang) {
    const button = section.querySelector("#save-card");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const saved = await setup(section, section.querySelector("#test-card").value);
        if (saved) {
          const { pledge, token } = section.dataset;
          if (section.dataset.chargeAttempts) await charged(section);
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
  if (section?.dataset.stripeKey) {
    loadStripe(section.dataset.stripeKey).then(stripe => {
      section.card = stripe.elements().create("card");
      section.card.mount("#card-element");
    }).catch(() => say(section.querySelector("#card-status"), texts.error));
  }
  const confirm = document.getElementById("authenticate");
  confirm?.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      await authenticate(confirm);
    } catch {
      say(document.getElementById("authenticate-status"), texts.error);
    } finally {
      confirm.disabled = false;
    }
  });
  return { texts, format };
})();
