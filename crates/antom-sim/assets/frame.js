/*
 * Shared by the simulator's hosted pages (card form, 3-D Secure page).
 *
 * A page runs either inside the stand-in SDK's iframe (then it reports to the merchant page
 * with postMessage, to the origin the SDK passed as `origin`, and the SDK decides what happens
 * next) or top-level (opened through `normalUrl`; then it redirects to the merchant's redirect
 * URL itself when done). Card data only ever goes to this page's own origin.
 *
 * In the Payment Element's frame (`mode=element`) the page also takes the Element's look from
 * `appearance` (JSON: theme, variables), reports its height so the Element can size the frame,
 * and answers the Element's requests (`submit`, `validate`) through `SimFrame.on`.
 */
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  /* A page reached by a POST (the 3-D Secure redirectActionForm) has no query: the simulator
     wrote the session into the page. */
  var meta = document.querySelector('meta[name="sim-session"]');
  var sessionId = params.get('session') || (meta && meta.getAttribute('content')) || '';
  var parentOrigin = params.get('origin') || '';
  var embedded = window.parent !== window && /^https?:\/\/[^/?#]+$/.test(parentOrigin);
  /* 'element' in AMSElement's frame; 'component' for AMSCashierPayment / AMSVaulting and the
     hosted page. */
  var mode = embedded && params.get('mode') === 'element' ? 'element' : 'component';
  var lastRefusal = null;

  var THEMES = ['default', 'night', 'nostalgicGray', 'agateGreen', 'cherryBlossomPink', 'gamingPurple'];
  /* appearance.variables the form honours (kebab-case or camelCase, as the real SDK takes). */
  var VARIABLES = [
    'content-primary', 'content-secondary', 'background-primary', 'background-secondary',
    'border-primary', 'action-normal', 'action-hover', 'state-failure', 'radius-component',
    'radius-button'
  ];

  function kebab(name) {
    return String(name).replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); });
  }

  /* The Element's appearance: data-theme on the page, variables as CSS custom properties
     (set through the CSSOM, which the page's CSP allows). */
  function applyAppearance(text) {
    var root = document.documentElement;
    root.setAttribute('data-mode', mode);
    if (!text || mode !== 'element') return;
    var appearance;
    try {
      appearance = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!appearance || typeof appearance !== 'object') return;
    if (THEMES.indexOf(appearance.theme) >= 0) root.setAttribute('data-theme', appearance.theme);
    var variables = appearance.variables;
    if (variables && typeof variables === 'object') {
      Object.keys(variables).forEach(function (key) {
        var name = kebab(key);
        if (VARIABLES.indexOf(name) >= 0 && typeof variables[key] === 'string') {
          root.style.setProperty('--sim-' + name, variables[key]);
        }
      });
    }
    if (appearance.card && appearance.card.showBrandIcon === false) root.setAttribute('data-brand-icon', 'off');
  }
  applyAppearance(params.get('appearance'));

  function post(message) {
    if (!embedded) return;
    message.source = 'antom-sim';
    message.sessionId = sessionId;
    window.parent.postMessage(message, parentOrigin);
  }

  function api(path, body) {
    var url = '/checkout/api/sessions/' + encodeURIComponent(sessionId) + path;
    var init = { headers: { Accept: 'application/json' }, credentials: 'omit' };
    if (body !== undefined) {
      init.method = 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.json().then(function (json) {
        return { ok: response.ok, status: response.status, body: json };
      });
    });
  }

  function errorOf(res) {
    var error = res.body && res.body.error;
    return { code: error ? error.code : 'UNKNOWN', message: error ? error.message : 'Unexpected answer.' };
  }

  function show(id, text) {
    var el = document.getElementById(id);
    el.textContent = text;
    el.hidden = !text;
    return el;
  }

  var finalStates = { SUCCESS: 'Payment authorized.', FAIL: 'Payment failed.', PROCESSING: 'Payment is processing.' };
  var vaultStates = { SUCCESS: 'Card saved.', FAIL: 'The card could not be saved.', PROCESSING: 'The card is being verified.' };

  /* Back to the merchant: a web page is opened with a redirect; an app (custom scheme such as
     myshop://…) only from a link the buyer follows, which browsers open reliably. */
  function returnTo(url) {
    if (/^https?:/i.test(url)) {
      window.location.assign(url);
      return;
    }
    var link = document.getElementById('app-return');
    link.setAttribute('href', url);
    document.getElementById('app-return-box').hidden = false;
  }

  /* The session reached SUCCESS, FAIL or PROCESSING: tell the SDK, or redirect. */
  function finish(view) {
    var texts = view.kind === 'vaulting' ? vaultStates : finalStates;
    var detail = view.state !== 'SUCCESS' && view.resultMessage ? ' ' + view.resultMessage : '';
    var result = show('result', (texts[view.state] || view.state) + detail);
    result.setAttribute('data-state', view.state);
    post({
      type: 'result',
      kind: view.kind,
      state: view.state,
      resultCode: view.resultCode,
      resultMessage: view.resultMessage,
      redirectUrl: view.redirectUrl || null
    });
    if (!embedded && view.redirectUrl) returnTo(view.redirectUrl);
  }

  /* The session cannot be used (expired, closed, cancelled, already completed, unknown). */
  function refuse(code, message) {
    lastRefusal = { code: code, message: message };
    show('error', message);
    post({ type: 'error', code: code, message: message });
  }

  /* The last refusal again (the Element asked to submit a form that is gone). */
  function refuseAgain() {
    if (lastRefusal) refuse(lastRefusal.code, lastRefusal.message);
  }

  /* Requests from the stand-in SDK in the parent page, by type. */
  var handlers = {};
  function on(type, handler) {
    handlers[type] = handler;
  }
  window.addEventListener('message', function (event) {
    if (!embedded || event.origin !== parentOrigin || event.source !== window.parent) return;
    var data = event.data || {};
    if (data.source !== 'antom-sim-sdk' || !Object.prototype.hasOwnProperty.call(handlers, data.type)) return;
    handlers[data.type](data);
  });

  /* The Element sizes its frame to the page. */
  function reportSize() {
    var main = document.querySelector('main');
    if (main) post({ type: 'size', height: Math.ceil(main.getBoundingClientRect().height) });
  }
  if (mode === 'element') {
    if (typeof window.ResizeObserver === 'function') {
      new window.ResizeObserver(reportSize).observe(document.querySelector('main') || document.body);
    }
    window.addEventListener('load', reportSize);
  }

  /* This page's query with the session in it (a POSTed page has none of its own). */
  function query() {
    var q = new URLSearchParams(params);
    q.set('session', sessionId);
    return q.toString();
  }

  function challengeHref() {
    return '/checkout/3ds?' + query();
  }

  function formHref() {
    return '/checkout/form?' + query();
  }

  window.SimFrame = {
    sessionId: sessionId,
    parentOrigin: parentOrigin,
    embedded: embedded,
    mode: mode,
    params: params,
    on: on,
    refuseAgain: refuseAgain,
    post: post,
    api: api,
    errorOf: errorOf,
    show: show,
    finish: finish,
    refuse: refuse,
    returnTo: returnTo,
    challengeHref: challengeHref,
    formHref: formHref
  };
})();
