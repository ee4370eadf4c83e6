// The DOM-free logic of <headroom-prompt>: run with `node --test`.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  comparisonRows,
  ctaHref,
  discounted,
  formatMoney,
  seatQuantity,
  textDirection,
} from '../../main/resources/META-INF/resources/headroom-prompt/1.0.0/headroom-prompt.js';

test('right-to-left languages render right to left, others left to right', () => {
  for (const locale of ['ar', 'ar-EG', 'he-IL', 'fa', 'ur-PK', 'HE']) {
    assert.equal(textDirection(locale), 'rtl', locale);
  }
  for (const locale of ['en-US', 'de', 'ja-JP', '', undefined, 'hr']) {
    assert.equal(textDirection(locale), 'ltr', String(locale));
  }
});

test('money is formatted from minor units in the locale', () => {
  assert.equal(formatMoney({ currency_code: 'USD', minor_units: 4900 }, 'en-US'), '$49.00');
  assert.equal(formatMoney({ currency_code: 'JPY', minor_units: 4900 }, 'en-US'), '¥4,900');
  assert.equal(formatMoney(null, 'en-US'), '');
});

test('a discount rounds to the minor unit', () => {
  assert.deepEqual(discounted({ currency_code: 'USD', minor_units: 4999 }, 10), {
    currency_code: 'USD',
    minor_units: 4499,
  });
  const price = { currency_code: 'USD', minor_units: 100 };
  assert.equal(discounted(price, 0), price);
});

test('the CTA carries the chosen seats only where the host asked for them', () => {
  assert.equal(
    ctaHref('https://host.test/buy?plan=pro&seats=3', 7),
    'https://host.test/buy?plan=pro&seats=7',
  );
  assert.equal(ctaHref('https://host.test/buy?plan=pro', 7), 'https://host.test/buy?plan=pro');
  assert.equal(ctaHref('/checkout?seats=1', 4), '/checkout?seats=4');
  assert.equal(ctaHref('javascript:alert(1)', 1), '');
  assert.equal(ctaHref('', 1), '');
});

test('the comparison lists attempted features first and highlights them', () => {
  const rows = comparisonRows({
    current_plan: { feature_keys: ['reports'] },
    target_plan: { feature_keys: ['reports', 'audit_log', 'sso'] },
    highlighted_feature_keys: ['sso'],
  });
  assert.deepEqual(
    rows.map((r) => [r.key, r.inCurrent, r.inTarget, r.highlighted]),
    [
      ['sso', false, true, true],
      ['reports', true, true, false],
      ['audit_log', false, true, false],
    ],
  );
});

test('a typed seat quantity is a whole number of at least one', () => {
  assert.equal(seatQuantity('12', 3), 12);
  assert.equal(seatQuantity('2.7', 3), 2);
  assert.equal(seatQuantity('0', 3), 3);
  assert.equal(seatQuantity('abc', 3), 3);
  assert.equal(seatQuantity('', 0), 1);
});
