// tamiz console: vanilla JavaScript, no dependencies. Every API call carries the API key the
// operator typed (kept in sessionStorage: gone when the tab closes).
'use strict';

(function () {
  const KEY = 'tamiz.apiKey';
  const CATEGORIES = ['toxicity', 'severe_toxicity', 'insult', 'threat', 'profanity', 'identity_attack', 'sexually_explicit'];
  const $ = (selector) => document.querySelector(selector);
  const state = { thresholds: null, lastVerdict: null, lastText: '', lexOffset: 0, lexLimit: 25, lexTotal: 0 };

  // ---- plumbing -------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k === 'text') node.textContent = v;
      // CSSOM, not a style attribute: the page's CSP allows no inline styles.
      else if (k === 'style') for (const [p, val] of Object.entries(v)) node.style.setProperty(p, val);
      else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function apiKey() {
    return sessionStorage.getItem(KEY) || '';
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = {};
    const key = apiKey();
    if (key) headers['Authorization'] = 'Bearer ' + key;
    let body;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(path, { method: opts.method || (body ? 'POST' : 'GET'), headers, body });
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    if (!res.ok) {
      const message = data && data.error && data.error.message ? data.error.message : res.status + ' ' + res.statusText;
      const err = new Error(message);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  function showError(err) {
    const banner = $('#banner');
    banner.className = 'banner';
    if (err.status === 401) {
      banner.textContent = 'This service requires an API key: enter it at the top right and press "Use key". (' + err.message + ')';
    } else {
      banner.textContent = err.message || String(err);
    }
    banner.hidden = false;
  }

  function clearError() {
    $('#banner').hidden = true;
  }

  const fmt = (x, digits) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(digits === undefined ? 3 : digits));
  const signed = (w) => (w >= 0 ? '+' : '') + Number(w).toFixed(2);

  // ---- key and thresholds ---------------------------------------------------------------------

  async function loadThresholds() {
    try {
      const t = await api('/console/api/thresholds');
      state.thresholds = t.thresholds;
      $('#lexicon-info').textContent = 'lexicon ' + t.lexicon_version + ' · ' + t.entries + ' entries · ' + t.allowlist + ' allowlisted';
      clearError();
      return true;
    } catch (err) {
      showError(err);
      return false;
    }
  }

  function initKey() {
    const input = $('#api-key');
    input.value = apiKey();
    $('#key-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const k = input.value.trim();
      if (k) sessionStorage.setItem(KEY, k);
      else sessionStorage.removeItem(KEY);
      if (await loadThresholds()) {
        const banner = $('#banner');
        banner.className = 'banner info';
        banner.textContent = k ? 'Key accepted.' : 'No key: the service is open.';
        banner.hidden = false;
        setTimeout(() => { if (banner.classList.contains('info')) banner.hidden = true; }, 2500);
      }
    });
    $('#key-clear').addEventListener('click', () => {
      sessionStorage.removeItem(KEY);
      input.value = '';
    });
  }

  // ---- scoring --------------------------------------------------------------------------------

  function level(score, t) {
    if (!t) return 'allow';
    if (score >= t.reject) return 'reject';
    if (score >= t.review) return 'review';
    return 'allow';
  }

  function renderScores(scores) {
    const box = $('#scores');
    box.textContent = '';
    for (const c of CATEGORIES) {
      const score = scores[c] || 0;
      const t = state.thresholds ? state.thresholds[c] : null;
      const lv = level(score, t);
      const track = el('div', { class: 'bar-track', title: t ? 'review ' + t.review + ' · reject ' + t.reject : '' },
        el('div', { class: 'bar-fill level-' + lv, style: { width: (score * 100).toFixed(1) + '%' } }));
      if (t) {
        track.append(el('div', { class: 'tick review', style: { left: 'calc(' + (t.review * 100).toFixed(1) + '% - 1px)' }, title: 'review ' + t.review }));
        track.append(el('div', { class: 'tick reject', style: { left: 'calc(' + (t.reject * 100).toFixed(1) + '% - 1px)' }, title: 'reject ' + t.reject }));
      }
      box.append(el('div', { class: 'score-row', dataset: { category: c, level: lv } },
        el('span', { class: 'name' }, c),
        track,
        el('span', { class: 'value' }, fmt(score)),
        el('span', { class: 'level level-' + lv }, lv === 'allow' ? '' : lv)));
    }
  }

  function visibleMatches(matches) {
    const showLearned = $('#show-learned').checked;
    return matches.filter((m) => showLearned || !m.rule.startsWith('learned:'));
  }

  // Cuts the text at every span boundary; each piece covered by matches becomes one <mark>
  // coloured by its innermost match, with every covering match in its tooltip. Offsets are UTF-16
  // code units, which is what JavaScript strings index.
  function renderHighlight(text, matches) {
    const box = $('#highlighted');
    box.textContent = '';
    const cuts = new Set([0, text.length]);
    for (const m of matches) {
      cuts.add(Math.max(0, Math.min(text.length, m.utf16_start)));
      cuts.add(Math.max(0, Math.min(text.length, m.utf16_end)));
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const s = sorted[i];
      const e = sorted[i + 1];
      const piece = text.slice(s, e);
      const cover = matches.filter((m) => m.utf16_start <= s && m.utf16_end >= e);
      if (cover.length === 0) {
        box.append(document.createTextNode(piece));
        continue;
      }
      cover.sort((a, b) => (a.utf16_end - a.utf16_start) - (b.utf16_end - b.utf16_start) || Math.abs(b.weight) - Math.abs(a.weight));
      const categories = [...new Set(cover.map((m) => m.category))];
      const title = cover
        .map((m) => m.category + ' · ' + m.rule + ' · "' + m.term + '" ' + signed(m.weight) + (m.dampened ? ' (dampened)' : ''))
        .join('\n');
      box.append(el('mark', {
        class: 'hl cat-' + cover[0].category + ' depth-' + Math.min(cover.length, 3),
        dataset: { category: cover[0].category, categories: categories.join(' '), rules: cover.map((m) => m.rule).join(' ') },
        title,
      }, piece));
    }
  }

  function renderEvidence(matches) {
    const body = $('#evidence tbody');
    body.textContent = '';
    const rows = [...matches].sort((a, b) => a.utf16_start - b.utf16_start || b.utf16_end - a.utf16_end);
    for (const m of rows) {
      body.append(el('tr', { class: m.dampened ? 'dampened' : '', dataset: { category: m.category } },
        el('td', {}, el('span', { class: 'chip cat-' + m.category }, m.category)),
        el('td', { class: 'matched' }, m.matched),
        el('td', { class: 'rule' }, m.rule),
        el('td', {}, m.term),
        el('td', { class: 'num' }, signed(m.weight) + (m.dampened ? ' ↓' : ''))));
    }
  }

  function renderVerdict() {
    const v = state.lastVerdict;
    if (!v) return;
    const decision = $('#decision');
    decision.textContent = v.decision;
    decision.className = 'decision decision-' + v.decision;
    $('#detected-language').textContent = 'language: ' + v.language;
    $('#score-took').textContent = v.took_us !== undefined ? v.took_us + ' µs in the engine' : '';
    renderScores(v.scores);
    const shown = visibleMatches(v.matches);
    const hidden = v.matches.length - shown.length;
    $('#learned-count').textContent = hidden > 0 ? '(' + hidden + ' hidden)' : '';
    renderHighlight(state.lastText, shown);
    renderEvidence(shown);
    const reasons = $('#reasons');
    reasons.textContent = '';
    for (const r of v.reasons) reasons.append(el('li', {}, r));
    $('#score-result').hidden = false;
  }

  async function score(ev) {
    ev.preventDefault();
    const text = $('#comment').value;
    if (!text.trim()) return;
    const button = $('#score-button');
    button.disabled = true;
    try {
      if (!state.thresholds) await loadThresholds();
      // Every match, the learned terms that lowered a score too: the console is where an
      // operator asks why (the "learned terms" switch hides them again).
      const body = { text, detail: 'full' };
      const language = $('#score-language').value;
      if (language) body.language = language;
      const v = await api('/v1/moderate', { json: body });
      state.lastText = text;
      state.lastVerdict = v;
      clearError();
      renderVerdict();
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  }

  // ---- lexicon --------------------------------------------------------------------------------

  async function searchLexicon(offset) {
    const params = new URLSearchParams();
    const q = $('#lex-q').value.trim();
    if (q) params.set('q', q);
    for (const [name, id] of [['category', '#lex-category'], ['language', '#lex-language'], ['source', '#lex-source']]) {
      const v = $(id).value;
      if (v) params.set(name, v);
    }
    params.set('offset', String(offset));
    params.set('limit', String(state.lexLimit));
    try {
      const r = await api('/console/api/lexicon?' + params.toString());
      clearError();
      state.lexOffset = r.offset;
      state.lexTotal = r.total;
      const body = $('#lex-results tbody');
      body.textContent = '';
      for (const e of r.entries) {
        const flags = [e.severe ? 'severe' : '', e.strict ? 'strict' : ''].filter(Boolean).join(' ');
        body.append(el('tr', { dataset: { category: e.category, pattern: e.pattern } },
          el('td', { class: 'term' }, e.term),
          el('td', {}, e.mode),
          el('td', {}, el('span', { class: 'chip cat-' + e.category }, e.category)),
          el('td', {}, e.language || ''),
          el('td', { class: 'num' }, e.weight === undefined ? '' : Number(e.weight).toFixed(2)),
          el('td', {}, flags),
          el('td', {}, e.source),
          el('td', { class: 'where' }, e.file + ':' + e.line)));
      }
      const end = Math.min(r.offset + r.entries.length, r.total);
      $('#lex-count').textContent = r.total === 0 ? 'no entries' : (r.offset + 1) + '–' + end + ' of ' + r.total;
      $('#lex-prev').disabled = r.offset === 0;
      $('#lex-next').disabled = end >= r.total;
    } catch (err) {
      showError(err);
    }
  }

  // ---- eval -----------------------------------------------------------------------------------

  function readFile(ev) {
    const file = ev.target.files && ev.target.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => { $('#eval-data').value = String(reader.result); };
    reader.onerror = () => showError(new Error('cannot read ' + file.name));
    reader.readAsText(file);
  }

  function renderEval(r) {
    $('#eval-summary').textContent = r.rows + ' rows · lexicon ' + r.lexicon_version + ' · ' +
      Math.round(r.throughput.per_second) + ' comments/s';
    const binary = $('#eval-binary');
    binary.textContent = '';
    if (r.binary) {
      const b = r.binary;
      binary.append(el('p', {}, 'Decision (review or reject) against the toxicity label: precision ' + fmt(b.flagged.precision) +
        ', recall ' + fmt(b.flagged.recall) + ', F1 ' + fmt(b.flagged.f1) + ', ROC-AUC ' + fmt(b.roc_auc) + ', PR-AUC ' + fmt(b.pr_auc)));
      const table = el('table', { class: 'confusion' },
        el('tr', {}, el('th', {}, 'decision'), el('th', {}, 'label 0'), el('th', {}, 'label 1')));
      ['allow', 'review', 'reject'].forEach((d, i) => {
        table.append(el('tr', {}, el('th', {}, d), el('td', {}, b.confusion[i][0]), el('td', {}, b.confusion[i][1])));
      });
      binary.append(table);
    }
    const body = $('#eval-categories tbody');
    body.textContent = '';
    for (const c of r.categories) {
      body.append(el('tr', { dataset: { category: c.category } },
        el('td', {}, el('span', { class: 'chip cat-' + c.category }, c.category)),
        el('td', { class: 'num' }, c.labeled),
        el('td', { class: 'num' }, c.positives),
        el('td', { class: 'num' }, fmt(c.review_threshold, 2)),
        el('td', { class: 'num' }, fmt(c.at_review.precision)),
        el('td', { class: 'num' }, fmt(c.at_review.recall)),
        el('td', { class: 'num' }, fmt(c.at_review.f1)),
        el('td', { class: 'num' }, fmt(c.roc_auc)),
        el('td', { class: 'num' }, fmt(c.pr_auc)),
        el('td', { class: 'num' }, c.best_f1 ? fmt(c.best_f1.f1) + ' (' + fmt(c.best_f1.threshold, 2) + ')' : '–')));
    }
    const plots = $('#eval-plots');
    plots.textContent = '';
    for (const p of r.plots) {
      // The SVG is generated by the service from numbers and category names only.
      const holder = el('div', { class: 'plot', dataset: { category: p.category } });
      holder.innerHTML = p.svg;
      plots.append(holder);
    }
    const examples = (list, target) => {
      const ol = $(target);
      ol.textContent = '';
      for (const ex of list) {
        const fired = ex.evidence.filter((f) => !f.rule.startsWith('learned:')).map((f) => f.term).join(', ');
        ol.append(el('li', {}, el('span', { class: 'score' }, fmt(ex.toxicity, 2)), ex.text,
          fired ? el('div', { class: 'muted' }, 'fired: ' + fired) : null));
      }
      if (!list.length) ol.append(el('li', { class: 'muted' }, 'none'));
    };
    examples(r.worst_false_positives, '#eval-fp');
    examples(r.worst_false_negatives, '#eval-fn');
    $('#eval-result').hidden = false;
  }

  async function runEval(ev) {
    ev.preventDefault();
    const data = $('#eval-data').value;
    if (!data.trim()) {
      showError(new Error('Paste a labeled file or choose one first.'));
      return;
    }
    const body = { data };
    const file = $('#eval-file').files[0];
    if (file) body.name = file.name;
    const textColumn = $('#eval-text-column').value.trim();
    if (textColumn) body.text_column = textColumn;
    const labels = $('#eval-labels').value.split(',').map((s) => s.trim()).filter(Boolean);
    if (labels.length) body.labels = labels;
    const language = $('#eval-language').value;
    if (language) body.language = language;
    const button = $('#eval-run');
    button.disabled = true;
    try {
      const r = await api('/console/api/eval', { json: body });
      clearError();
      renderEval(r);
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  }

  // ---- start ----------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    initKey();
    $('#score-form').addEventListener('submit', score);
    $('#comment').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) score(ev);
    });
    $('#show-learned').addEventListener('change', renderVerdict);
    $('#lexicon-form').addEventListener('submit', (ev) => { ev.preventDefault(); searchLexicon(0); });
    $('#lex-prev').addEventListener('click', () => searchLexicon(Math.max(0, state.lexOffset - state.lexLimit)));
    $('#lex-next').addEventListener('click', () => searchLexicon(state.lexOffset + state.lexLimit));
    $('#eval-file').addEventListener('change', readFile);
    $('#eval-form').addEventListener('submit', runEval);
    loadThresholds();
  });
})();
