/*
 * Stand-in for Antom's Web SDK (@alipay/ams-checkout), served by the Antom simulator.
 *
 * Same surface as the real SDK:
 *   var checkout = new AMSCashierPayment({ environment, locale, analytics, onLog, onEventCallback });
 *   checkout.createComponent({ sessionData, appearance: { showLoading, displayOptions },
 *                              notRedirectAfterComplete })      -> Promise (overlay)
 *   checkout.mountComponent({ sessionData, ... }, '#selector')  -> Promise (inline)
 *   checkout.submit(); checkout.unmount(); AMSCashierPayment.preload(); checkout.preload();
 * and AMSVaulting with the same methods for vaulting sessions.
 *
 * onEventCallback({ code, result: { paymentResultCode, paymentResultMessage } }) receives, as the
 * guides' handlers read it (result is on every event; its fields are '' when there is nothing to
 * say, e.g. for the loading events):
 *   both:              SDK_START_OF_LOADING, SDK_END_OF_LOADING, SDK_FORM_VERIFICATION_FAILED
 *                      (paymentResultCode: the refused field's code, e.g. INVALID_CARD_NUMBER);
 *   AMSCashierPayment: SDK_PAYMENT_SUCCESSFUL, SDK_PAYMENT_PROCESSING, SDK_PAYMENT_FAIL,
 *                      SDK_PAYMENT_CANCEL, SDK_PAYMENT_ERROR (invalid, expired, closed or
 *                      completed session: paymentResultCode SESSION_EXPIRED, ORDER_IS_CLOSED, …);
 *   AMSVaulting:       SDK_ASSET_BINDING_SUCCESSFUL, SDK_ASSET_BINDING_PROCESSING,
 *                      SDK_ASSET_BINDING_FAIL, SDK_ASSET_BINDING_CANCEL, SDK_ASSET_BINDING_ERROR
 *                      (the card-vaulting guide's codes).
 * The outcome events are reported only with notRedirectAfterComplete: true; otherwise the page is
 * redirected to the session's redirect URL (paymentRedirectUrl / vaulting redirectUrl) when the
 * buyer is done, as the real SDK does; a redirect URL that opens an app (a custom scheme) is
 * offered as a link, data-testid="sim-app-return", since browsers open those only from a link.
 *
 * The card form is a page of the simulator, framed; it talks to this script with postMessage,
 * and each side checks the other's origin and window.
 */
(function (global) {
  'use strict';

  var scriptOrigin = (function () {
    try {
      return new URL(document.currentScript.src).origin;
    } catch (e) {
      return '';
    }
  })();

  /* The outcome event codes of each component. */
  var EVENT_CODES = {
    payment: {
      SUCCESS: 'SDK_PAYMENT_SUCCESSFUL',
      PROCESSING: 'SDK_PAYMENT_PROCESSING',
      FAIL: 'SDK_PAYMENT_FAIL',
      CANCEL: 'SDK_PAYMENT_CANCEL',
      ERROR: 'SDK_PAYMENT_ERROR'
    },
    vaulting: {
      SUCCESS: 'SDK_ASSET_BINDING_SUCCESSFUL',
      PROCESSING: 'SDK_ASSET_BINDING_PROCESSING',
      FAIL: 'SDK_ASSET_BINDING_FAIL',
      CANCEL: 'SDK_ASSET_BINDING_CANCEL',
      ERROR: 'SDK_ASSET_BINDING_ERROR'
    }
  };

  /* sessionData is `<base64url JSON>&&SG&&111`; the JSON says which simulator and session. */
  function decodeSessionData(sessionData) {
    var encoded = String(sessionData || '').split('&&')[0].replace(/-/g, '+').replace(/_/g, '/');
    while (encoded.length % 4) encoded += '=';
    var bytes = Uint8Array.from(atob(encoded), function (c) { return c.charCodeAt(0); });
    var payload = JSON.parse(new TextDecoder().decode(bytes));
    if (!payload || typeof payload.sessionId !== 'string' || !payload.sessionId) {
      throw new Error('no session in sessionData');
    }
    return payload;
  }

  function style(el, rules) {
    Object.keys(rules).forEach(function (k) { el.style[k] = rules[k]; });
    return el;
  }

  class Component {
    constructor(kind, options) {
      this._kind = kind;
      this._options = options || {};
      this._session = null;
      this._frame = null;
      this._container = null;
      this._loading = null;
      this._params = {};
      this._loaded = false;
      this._settle = null;
      this._listener = null;
      if (this._options.environment && !/^sandbox$/i.test(this._options.environment)) {
        this._log('SDK_ENVIRONMENT', 'The Antom simulator only plays the sandbox environment.');
      }
    }

    static preload() {
      return Promise.resolve();
    }

    preload() {
      return Promise.resolve();
    }

    createComponent(params) {
      return this._open(params, null);
    }

    mountComponent(params, selector) {
      return this._open(params, selector || null);
    }

    /* Element mode: submit the form from the merchant's own button. */
    submit() {
      if (this._frame && this._frame.contentWindow && this._session) {
        this._frame.contentWindow.postMessage({ source: 'antom-sim-sdk', type: 'submit' }, this._session.origin);
      }
    }

    unmount() {
      if (this._listener) global.removeEventListener('message', this._listener);
      if (this._container && this._container.parentNode) {
        this._container.parentNode.removeChild(this._container);
      }
      this._listener = null;
      this._container = null;
      this._frame = null;
      this._loading = null;
      this._session = null;
      this._done();
    }

    /* Every event as the guides' handlers read it: { code, result: { paymentResultCode,
       paymentResultMessage } }, result always present. */
    _emit(code, resultCode, resultMessage) {
      var callback = this._options.onEventCallback;
      if (typeof callback !== 'function') return;
      try {
        callback({
          code: code,
          result: { paymentResultCode: resultCode || '', paymentResultMessage: resultMessage || '' }
        });
      } catch (e) {
        if (global.console) global.console.error(e);
      }
    }

    /* One of this component's outcome events (SUCCESS, PROCESSING, FAIL, CANCEL, ERROR). */
    _outcome(kind, resultCode, resultMessage) {
      this._emit(EVENT_CODES[this._kind][kind] || EVENT_CODES[this._kind].ERROR, resultCode, resultMessage);
    }

    _log(code, message) {
      var onLog = this._options.onLog;
      if (typeof onLog === 'function') {
        try {
          onLog({ code: code, message: message || '' });
        } catch (e) {
          if (global.console) global.console.error(e);
        }
      }
    }

    _done() {
      if (this._settle) {
        var settle = this._settle;
        this._settle = null;
        settle();
      }
    }

    _fail(resultCode, message) {
      this._outcome('ERROR', resultCode, message);
      this.unmount();
      return Promise.resolve();
    }

    _open(params, selector) {
      this.unmount();
      params = params || {};
      this._params = params;
      this._loaded = false;
      this._emit('SDK_START_OF_LOADING');
      var session;
      try {
        session = decodeSessionData(params.sessionData);
      } catch (e) {
        return this._fail('SDK_CREATEPAYMENT_PARAMETER_ERROR', 'The sessionData is not valid.');
      }
      if ((session.kind || 'payment') !== this._kind) {
        return this._fail('SDK_CREATEPAYMENT_PARAMETER_ERROR', 'This sessionData is for ' + session.kind + ', not ' + this._kind + '.');
      }
      var base = String(session.simBaseUrl || scriptOrigin).replace(/\/+$/, '');
      var origin;
      try {
        origin = new URL(base).origin;
      } catch (e) {
        return this._fail('SDK_CREATEPAYMENT_PARAMETER_ERROR', 'The sessionData does not say where the simulator is.');
      }
      var host = null;
      if (selector) {
        host = typeof selector === 'string' ? document.querySelector(selector) : selector;
        if (!host) return this._fail('SDK_CREATEPAYMENT_PARAMETER_ERROR', 'No element matches ' + selector + '.');
      }
      this._session = { id: session.sessionId, origin: origin };

      var frame = document.createElement('iframe');
      frame.src = base + '/checkout/form?session=' + encodeURIComponent(session.sessionId) +
        '&origin=' + encodeURIComponent(global.location.origin);
      frame.title = this._kind === 'vaulting' ? 'Save a card' : 'Card payment';
      frame.setAttribute('data-testid', 'sim-frame');
      frame.setAttribute('allow', 'payment');
      style(frame, { border: '0', width: '100%', height: '520px', background: '#fff', display: 'block' });

      var container = document.createElement('div');
      container.setAttribute('data-testid', 'sim-component');
      var appearance = params.appearance || {};
      if (appearance.showLoading !== false) {
        this._loading = style(document.createElement('div'), { padding: '16px', textAlign: 'center', font: '14px system-ui, sans-serif' });
        this._loading.textContent = 'Loading…';
        container.appendChild(this._loading);
      }
      if (host) {
        container.appendChild(frame);
        host.appendChild(container);
      } else {
        style(container, {
          position: 'fixed', inset: '0', zIndex: '2147483000', background: 'rgba(15, 20, 30, 0.55)',
          display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center'
        });
        if (this._loading) style(this._loading, { color: '#fff' });
        var panel = style(document.createElement('div'), {
          width: 'min(440px, 100%)', borderRadius: '12px', overflow: 'hidden', background: '#fff',
          boxShadow: '0 12px 40px rgba(0,0,0,.3)'
        });
        panel.appendChild(frame);
        container.appendChild(panel);
        document.body.appendChild(container);
      }
      this._frame = frame;
      this._container = container;
      this._listener = this._onMessage.bind(this);
      global.addEventListener('message', this._listener);
      this._log('SDK_COMPONENT_MOUNTED', 'Simulator form at ' + origin);
      var self = this;
      return new Promise(function (resolve) { self._settle = resolve; });
    }

    _onMessage(event) {
      if (!this._session || !this._frame) return;
      if (event.origin !== this._session.origin || event.source !== this._frame.contentWindow) return;
      var data = event.data || {};
      if (data.source !== 'antom-sim' || data.sessionId !== this._session.id) return;
      switch (data.type) {
        case 'ready':
          if (this._loading) this._loading.hidden = true;
          if (!this._loaded) {
            this._loaded = true;
            this._emit('SDK_END_OF_LOADING');
          }
          this._done();
          break;
        case 'verification-failed':
          this._emit('SDK_FORM_VERIFICATION_FAILED', data.code, data.message);
          break;
        case 'cancel':
          this._outcome('CANCEL', '', 'The buyer left the form.');
          this.unmount();
          break;
        case 'error':
          if (!this._loaded) {
            this._loaded = true;
            this._emit('SDK_END_OF_LOADING');
          }
          this._fail(data.code, data.message);
          break;
        case 'result':
          this._complete(data);
          break;
      }
    }

    _complete(data) {
      this._log('SDK_RESULT', data.state + ' ' + (data.resultCode || ''));
      if (!this._params.notRedirectAfterComplete && data.redirectUrl) {
        if (/^https?:/i.test(data.redirectUrl)) {
          this.unmount();
          global.location.assign(data.redirectUrl);
        } else {
          this._offerAppReturn(data.redirectUrl);
        }
        return;
      }
      var kind = EVENT_CODES[this._kind][data.state] ? data.state : 'ERROR';
      this._outcome(kind, data.resultCode, data.resultMessage);
      this.unmount();
    }

    /* An app's redirect URL (myshop://…): the form makes way for a link the buyer follows. */
    _offerAppReturn(url) {
      if (this._frame && this._frame.parentNode) this._frame.parentNode.removeChild(this._frame);
      this._frame = null;
      if (!this._container) return;
      var box = style(document.createElement('p'), { padding: '16px', textAlign: 'center', background: '#fff', margin: '0' });
      var link = document.createElement('a');
      link.setAttribute('href', url);
      link.setAttribute('data-testid', 'sim-app-return');
      link.textContent = 'Return to the app';
      box.appendChild(link);
      this._container.appendChild(box);
    }
  }

  class AMSCashierPayment extends Component {
    constructor(options) {
      super('payment', options);
    }
  }

  class AMSVaulting extends Component {
    constructor(options) {
      super('vaulting', options);
    }
  }

  global.AMSCashierPayment = AMSCashierPayment;
  global.AMSVaulting = AMSVaulting;
})(window);
