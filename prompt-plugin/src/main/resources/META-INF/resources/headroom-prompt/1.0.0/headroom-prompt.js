// <headroom-prompt>: renders one Headroom prompt (the JSON of PromptOffer.toJson()) and reports
// what the user does with it. Dependency-free ES module, version 1.0.0; prompt-service serves it
// at /assets/headroom-prompt/1.0.0/headroom-prompt.js (cached for a year: a changed file gets a
// new version), so a page pins the version it was tested with and a CDN copy can sit beside it.
//
//   <script type="module" src="https://prompt.example/assets/headroom-prompt/1.0.0/headroom-prompt.js"></script>
//   <headroom-prompt endpoint="/headroom/prompt-events" prompt='{"decision_id":"...",...}'>
//   </headroom-prompt>
//
// Attributes: prompt (JSON; or set the `prompt` property to an object), endpoint (where SHOWN,
// CLICKED and DISMISSED are POSTed as {"kind","decision_id"}; the host proxies them to
// prompt-service), locale (defaults to the prompt's), variant ("dialog", the default, or "inline"
// for a labelled region), labels: label-dismiss, label-seats, label-current, label-target,
// label-compare, label-feature, label-per-month, label-discount, label-annual, label-included,
// label-not-included, label-attempted.
// Theming: --headroom-bg, --headroom-fg, --headroom-muted, --headroom-accent, --headroom-accent-fg,
// --headroom-highlight, --headroom-border, --headroom-radius, --headroom-font, --headroom-shadow.
// DOM events: headroom-shown, headroom-click, headroom-dismiss (detail: {decisionId, seats}).

const RTL_LANGUAGES = new Set(['ar', 'he', 'iw', 'fa', 'ur', 'ps', 'yi', 'dv', 'ckb', 'sd', 'ug']);

/** "rtl" for a right-to-left language (ar, he, fa, ur, ...), else "ltr". */
export function textDirection(locale) {
  const language = String(locale || '').trim().toLowerCase().split(/[-_]/)[0];
  return RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr';
}

/** Formats a Money ({currency_code, minor_units}) for people, in the locale. */
export function formatMoney(money, locale) {
  if (!money || !money.currency_code) {
    return '';
  }
  const format = new Intl.NumberFormat(locale || undefined, {
    style: 'currency',
    currency: money.currency_code,
  });
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(Number(money.minor_units || 0) / 10 ** digits);
}

/** The price after a whole-percent discount, rounded to the minor unit. */
export function discounted(money, percent) {
  if (!money || !percent) {
    return money;
  }
  const minor = Math.round((Number(money.minor_units || 0) * (100 - percent)) / 100);
  return { currency_code: money.currency_code, minor_units: minor };
}

/**
 * The CTA link with the chosen seat quantity: a URL that carries a "seats" query parameter gets
 * the user's quantity; any other URL is left as the host built it.
 */
export function ctaHref(url, seats, base) {
  if (!url) {
    return '';
  }
  try {
    const parsed = new URL(url, base || 'http://localhost/');
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return ''; // never a javascript: or data: link
    }
    if (seats > 0 && parsed.searchParams.has('seats')) {
      parsed.searchParams.set('seats', String(seats));
    }
    return base || /^https?:/i.test(url) ? parsed.href : parsed.pathname + parsed.search + parsed.hash;
  } catch (e) {
    return '';
  }
}

/**
 * The tier comparison's rows: every feature of either plan, in the target plan's order first, with
 * what each plan includes and whether the user attempted it (highlighted).
 */
export function comparisonRows(prompt) {
  const current = new Set(((prompt.current_plan || {}).feature_keys) || []);
  const target = new Set(((prompt.target_plan || {}).feature_keys) || []);
  const highlighted = new Set(prompt.highlighted_feature_keys || []);
  const keys = [...new Set([...highlighted, ...target, ...current])];
  return keys.map((key) => ({
    key,
    inCurrent: current.has(key),
    inTarget: target.has(key),
    highlighted: highlighted.has(key),
  }));
}

/** A seat quantity the user typed, clamped to a whole number of at least 1. */
export function seatQuantity(value, fallback) {
  const n = Math.floor(Number(value));
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 100000) : Math.max(1, fallback || 1);
}

const STYLE = `
:host { display: block; font-family: var(--headroom-font, system-ui, sans-serif); }
:host([hidden]) { display: none; }
.prompt { position: relative; box-sizing: border-box; max-width: 32rem; padding: 1.25rem;
  background: var(--headroom-bg, #fff); color: var(--headroom-fg, #1d1d1f);
  border: 1px solid var(--headroom-border, #d0d4da); border-radius: var(--headroom-radius, 12px);
  box-shadow: var(--headroom-shadow, 0 8px 24px rgba(0,0,0,.12)); }
.prompt:focus { outline: 2px solid var(--headroom-accent, #4f46e5); outline-offset: 2px; }
h2 { margin: 0 2rem .5rem 0; font-size: 1.2rem; }
:host([dir=rtl]) h2 { margin: 0 0 .5rem 2rem; }
p { margin: 0 0 1rem; color: var(--headroom-muted, #4a4f57); }
table { width: 100%; border-collapse: collapse; margin: 0 0 1rem; font-size: .9rem; }
caption { text-align: start; font-weight: 600; margin-bottom: .25rem; }
th, td { padding: .3rem .4rem; border-bottom: 1px solid var(--headroom-border, #d0d4da); text-align: start; }
td.mark { text-align: center; }
tr.highlighted th { background: var(--headroom-highlight, #fff4c2); }
.row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin-bottom: 1rem; }
label { display: inline-flex; gap: .5rem; align-items: center; }
input { width: 5rem; padding: .3rem; font: inherit; }
.price { font-weight: 600; }
.was { text-decoration: line-through; color: var(--headroom-muted, #4a4f57); font-weight: 400; }
.discount { color: var(--headroom-accent, #4f46e5); }
a.cta { display: inline-block; padding: .55rem 1rem; border-radius: var(--headroom-radius, 12px);
  background: var(--headroom-accent, #4f46e5); color: var(--headroom-accent-fg, #fff);
  text-decoration: none; font-weight: 600; }
a.cta:focus-visible, button.dismiss:focus-visible, input:focus-visible {
  outline: 2px solid var(--headroom-accent, #4f46e5); outline-offset: 2px; }
button.dismiss { position: absolute; inset-block-start: .5rem; inset-inline-end: .5rem;
  border: 0; background: transparent; color: inherit; font-size: 1.4rem; line-height: 1;
  width: 2rem; height: 2rem; border-radius: 50%; cursor: pointer; }
`;

const DEFAULT_LABELS = {
  dismiss: 'Dismiss',
  seats: 'Seats',
  current: 'Current plan',
  target: 'Offered plan',
  compare: 'Plan comparison',
  feature: 'Feature',
  'per-month': '/ month',
  discount: 'off',
  annual: 'with annual billing',
  included: 'Included',
  'not-included': 'Not included',
  attempted: 'you tried this',
};

const Base = typeof HTMLElement === 'undefined' ? class {} : HTMLElement;
let instances = 0;

export class HeadroomPrompt extends Base {
  static get observedAttributes() {
    return ['prompt', 'locale', 'variant'];
  }

  constructor() {
    super();
    this._id = `headroom-prompt-${++instances}`;
    this._prompt = null;
    this._seats = 1;
    this._shownReported = false;
    this._returnFocusTo = null;
    this.attachShadow({ mode: 'open' });
  }

  /** The prompt as an object (what PromptOffer.toJson() produced, parsed). */
  get prompt() {
    return this._prompt;
  }

  set prompt(value) {
    this._prompt = typeof value === 'string' ? parsePrompt(value) : value;
    this._shownReported = false;
    this._render();
  }

  connectedCallback() {
    if (!this._prompt && this.hasAttribute('prompt')) {
      this._prompt = parsePrompt(this.getAttribute('prompt'));
    }
    this._render();
  }

  disconnectedCallback() {
    if (this._observer) {
      this._observer.disconnect();
    }
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue) {
      return;
    }
    if (name === 'prompt' && newValue) {
      this._prompt = parsePrompt(newValue);
      this._shownReported = false;
    }
    if (this.isConnected) {
      this._render();
    }
  }

  _label(name) {
    return this.getAttribute(`label-${name}`) || DEFAULT_LABELS[name];
  }

  _locale() {
    return this.getAttribute('locale') || (this._prompt && this._prompt.locale) || undefined;
  }

  _render() {
    const root = this.shadowRoot;
    root.textContent = '';
    const prompt = this._prompt;
    if (!prompt || !this.isConnected) {
      return;
    }
    const locale = this._locale();
    const dir = textDirection(locale);
    this.setAttribute('dir', dir);
    if (locale) {
      this.setAttribute('lang', locale);
    }
    this._seats = seatQuantity(prompt.prefilled_seats, 1);

    const style = document.createElement('style');
    style.textContent = STYLE;
    root.append(style);

    const box = el('section', { class: 'prompt', tabindex: '-1', dir });
    const inline = this.getAttribute('variant') === 'inline';
    box.setAttribute('role', inline ? 'region' : 'dialog');
    if (!inline) {
      box.setAttribute('aria-modal', 'false');
    }
    box.setAttribute('aria-labelledby', `${this._id}-title`);
    box.setAttribute('aria-describedby', `${this._id}-body`);
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this._dismiss();
      }
    });

    const dismiss = el('button', {
      class: 'dismiss',
      type: 'button',
      'aria-label': this._label('dismiss'),
    });
    dismiss.textContent = '\u00d7';
    dismiss.addEventListener('click', () => this._dismiss());

    const title = el('h2', { id: `${this._id}-title` });
    title.textContent = prompt.title || '';
    const body = el('p', { id: `${this._id}-body` });
    body.textContent = prompt.body || '';
    box.append(title, body);

    const rows = comparisonRows(prompt);
    if (prompt.target_plan && rows.length > 0) {
      box.append(this._comparison(prompt, rows));
    }

    const row = el('div', { class: 'row' });
    const seatsId = `${this._id}-seats`;
    if (prompt.prefilled_seats > 0) {
      const label = el('label', { for: seatsId });
      label.append(this._label('seats'));
      const input = el('input', {
        id: seatsId,
        type: 'number',
        min: '1',
        step: '1',
        inputmode: 'numeric',
        value: String(this._seats),
      });
      input.addEventListener('input', () => {
        this._seats = seatQuantity(input.value, this._seats);
        cta.setAttribute('href', ctaHref(prompt.cta_url, this._seats, document.baseURI));
      });
      label.append(input);
      row.append(label);
    }
    const price = this._price(prompt, locale);
    if (price) {
      row.append(price);
    }
    box.append(row);

    const cta = el('a', {
      class: 'cta',
      href: ctaHref(prompt.cta_url, this._seats, document.baseURI),
    });
    cta.textContent = prompt.cta_label || '';
    cta.addEventListener('click', () => {
      this._report('CLICKED');
      this._emit('headroom-click');
    });
    box.append(cta, dismiss);
    root.append(box);

    if (document.activeElement !== this) {
      this._returnFocusTo = document.activeElement;
    }
    if (!inline) {
      box.focus({ preventScroll: true });
    }
    this._watchShown(box);
  }

  _comparison(prompt, rows) {
    const table = el('table');
    const caption = el('caption');
    caption.textContent = this._label('compare');
    const head = el('tr');
    head.append(
      th(this._label('feature'), 'col'),
      th((prompt.current_plan && prompt.current_plan.display_name) || this._label('current'), 'col'),
      th(prompt.target_plan.display_name || this._label('target'), 'col'),
    );
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const r of rows) {
      const tr = el('tr', r.highlighted ? { class: 'highlighted' } : {});
      const name = th(r.key, 'row');
      if (r.highlighted) {
        const mark = el('mark');
        mark.textContent = r.key;
        name.textContent = '';
        name.append(mark);
        name.setAttribute('aria-description', this._label('attempted'));
      }
      tr.append(name, this._cell(r.inCurrent), this._cell(r.inTarget));
      tbody.append(tr);
    }
    table.append(caption, thead, tbody);
    return table;
  }

  _cell(included) {
    const td = el('td', { class: 'mark' });
    const glyph = el('span', { 'aria-hidden': 'true' });
    glyph.textContent = included ? '\u2713' : '\u2013';
    const text = el('span', { class: 'sr' });
    text.textContent = included ? this._label('included') : this._label('not-included');
    text.setAttribute('style', 'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)');
    td.append(glyph, text);
    return td;
  }

  _price(prompt, locale) {
    const money = prompt.target_plan && prompt.target_plan.monthly_price;
    if (!money) {
      return null;
    }
    // <bdi> keeps an amount in one piece inside right-to-left text.
    const amount = (m, cls) => {
      const node = el('bdi', cls ? { class: cls } : {});
      node.textContent = formatMoney(m, locale);
      return node;
    };
    const span = el('span', { class: 'price' });
    if (prompt.discount_percent > 0) {
      const off = el('span', { class: 'discount' });
      off.textContent = ` \u2212${prompt.discount_percent}% ${this._label('discount')}` +
        (prompt.annual_billing ? ` ${this._label('annual')}` : '');
      span.append(amount(money, 'was'), ' ', amount(discounted(money, prompt.discount_percent)),
        ' ', this._label('per-month'), off);
    } else {
      span.append(amount(money), ' ', this._label('per-month'));
    }
    return span;
  }

  _watchShown(box) {
    if (this._shownReported) {
      return;
    }
    const shown = () => {
      if (!this._shownReported) {
        this._shownReported = true;
        this._report('SHOWN');
        this._emit('headroom-shown');
      }
    };
    if (typeof IntersectionObserver === 'undefined') {
      shown();
      return;
    }
    this._observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        this._observer.disconnect();
        shown();
      }
    }, { threshold: 0.5 });
    this._observer.observe(box);
  }

  _dismiss() {
    this._report('DISMISSED');
    this._emit('headroom-dismiss');
    this.hidden = true;
    const back = this._returnFocusTo;
    if (back && typeof back.focus === 'function' && back !== document.body) {
      back.focus();
    }
  }

  _emit(type) {
    this.dispatchEvent(new CustomEvent(type, {
      bubbles: true,
      composed: true,
      detail: { decisionId: this._prompt.decision_id, seats: this._seats },
    }));
  }

  _report(kind) {
    const endpoint = this.getAttribute('endpoint');
    if (!endpoint || !this._prompt) {
      return;
    }
    // keepalive lets a CLICKED report outlive the navigation the click starts.
    fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind, decision_id: this._prompt.decision_id }),
      keepalive: true,
      credentials: 'same-origin',
    }).catch(() => {});
  }
}

/** The prompt JSON, or null (nothing rendered) when it is not valid JSON. */
function parsePrompt(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

function el(name, attributes) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attributes || {})) {
    node.setAttribute(k, v);
  }
  return node;
}

function th(text, scope) {
  const cell = el('th', { scope });
  cell.textContent = text;
  return cell;
}

if (typeof customElements !== 'undefined' && !customElements.get('headroom-prompt')) {
  customElements.define('headroom-prompt', HeadroomPrompt);
}
