// Drives <headroom-prompt> on the host example's pages in the machine's Chromium (never a
// downloaded browser). Usage: node browser.mjs <base-url> <screenshot-dir>
// The host renders prompt-service's real answers for the catalog of headroom-app's
// PlatformWithOffer (sso unlocked by Pro at $49.00 a month, 10 % off annually); each step asks as
// another user, since prompt-service shows a user at most one prompt a day.
// Prints one JSON line: the decision ids it clicked and dismissed. Exits non-zero on a failure.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

async function openPrompt(page, user, locale) {
  await page.goto(`${base}/reports/sso?user=${user}&locale=${locale}`);
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const prompt = await page.evaluate(() => document.querySelector('headroom-prompt').prompt);
  return { dialog, prompt, decisionId: prompt.decision_id };
}

function focusedClass(page) {
  return page.evaluate(() => {
    const active = document.querySelector('headroom-prompt').shadowRoot.activeElement;
    return active ? active.className || active.tagName : null;
  });
}

try {
  const page = await browser.newPage({ viewport: { width: 720, height: 640 } });

  // Rendering: title, body, comparison with the attempted feature highlighted, seats, price.
  const first = await openPrompt(page, 'browser-click', 'en-US');
  assert.equal(await first.dialog.getAttribute('dir'), 'ltr');
  assert.equal(await page.getByRole('dialog', { name: 'Unlock SSO' }).count(), 1);
  const highlighted = first.dialog.locator('tr.highlighted th');
  assert.equal(await highlighted.textContent(), 'sso');
  const seats = first.dialog.getByLabel('Seats');
  assert.ok(first.prompt.prefilled_seats > 0, 'prompt-service pre-fills the seats');
  assert.equal(await seats.inputValue(), String(first.prompt.prefilled_seats));
  assert.match(await first.dialog.locator('.price').textContent(), /\$49\.00.*\$44\.10/);
  await page.screenshot({ path: `${shots}/prompt-en.png` });

  // Keyboard: from the focused dialog, Tab reaches the seat field, then the CTA.
  assert.equal(await focusedClass(page), 'prompt');
  const visited = [];
  for (let i = 0; i < 5 && visited.at(-1) !== 'cta'; i++) {
    await page.keyboard.press('Tab');
    visited.push(await focusedClass(page));
  }
  assert.deepEqual(visited, ['INPUT', 'cta'], `tab order ${visited}`);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('5');
  const cta = first.dialog.getByRole('link', { name: 'Upgrade' });
  assert.match(await cta.getAttribute('href'), /seats=5/);
  await page.keyboard.press('Tab');
  await Promise.all([page.waitForURL(/\/checkout\?/), page.keyboard.press('Enter')]);
  assert.match(page.url(), /seats=5/);

  // Dismiss with Escape: the prompt goes away and focus returns to the page.
  const second = await openPrompt(page, 'browser-dismiss', 'en-US');
  await page.keyboard.press('Escape');
  await second.dialog.waitFor({ state: 'hidden' });

  // A right-to-left locale renders right to left.
  const rtl = await openPrompt(page, 'browser-rtl', 'ar');
  assert.equal(rtl.prompt.locale, 'ar', 'prompt-service answered with the Arabic copy');
  assert.equal(await rtl.dialog.getAttribute('dir'), 'rtl');
  assert.equal(await rtl.dialog.evaluate((e) => getComputedStyle(e).direction), 'rtl');
  await page.screenshot({ path: `${shots}/prompt-ar.png` });

  console.log(
    JSON.stringify({
      clicked: first.decisionId,
      dismissed: second.decisionId,
      rtl: rtl.decisionId,
    }),
  );
} finally {
  await browser.close();
}
