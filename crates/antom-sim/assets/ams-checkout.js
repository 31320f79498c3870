/*
 * Stand-in for Antom's Web SDK (@alipay/ams-checkout 1.47.2), served by the Antom simulator at
 * GET /sdk/ams-checkout.js. Like the real UMD build it defines its classes as globals:
 * window.AMSElement, window.AMSCashierPayment, window.AMSVaulting (plus the enums ThemeType,
 * PaymentElementLayout and ElementType).
 *
 * Session data (paymentSessionData / vaultingSessionData) has the layout the real SDK parses:
 * `<seg0>&&<hostSign>&&<seg2>&&<base64(JSON)>`; the JSON carries
 * paymentSessionConfig {productScene, paymentMethodCategoryType, productSceneVersion} and
 * clientId as Antom's does, plus the simulator's own kind, sessionId, requestId, simBaseUrl
 * (which form, on which simulator). The scene says which component a session is for:
 *   ELEMENT_PAYMENT   -> AMSElement only;
 *   CASHIER_PAYMENT   -> AMSCashierPayment only (createPaymentSession without productScene);
 *   CHECKOUT_PAYMENT  -> no component: the buyer is sent to the session's normalUrl;
 *   VAULTING          -> AMSVaulting only.
 *
 * ---------------------------------------------------------------- Payment Element
 *   var element = new AMSElement({ sessionData, environment, locale, onEventCallback,
 *                                  appearance: { theme }, loading: { onStartLoading,
 *                                  onEndLoading }, version });
 *     Empty sessionData: onEventCallback({ code: 'SDK_CREATE_COMPONENT_ERROR', message:
 *     'sessionData is empty' }), then throws an Error named InvalidElementConfigError with
 *     errors: [{ field: 'sessionData', message }]. environment is lower-cased, default prod.
 *   element.mount({ type: 'payment', appearance: { theme, variables, layout, card },
 *                   notRedirectAfterComplete, merchantAppointParam: { storedCard: { needCVV } } },
 *                 '#selector') -> Promise<{} | { error: { code, message } }>
 *     Never rejects for ordinary failures. The card form is embedded in the container (an
 *     iframe, data-testid="sim-frame", no overlay) and the promise resolves {} once it is ready.
 *     Errors: UI_STATE_ERROR (mounted already, or destroyed); PARAM_INVALID (type is not
 *     'payment'; selector matches nothing, + event SDK_CREATE_COMPONENT_ERROR; a session that is
 *     not ELEMENT_PAYMENT, + event SDK_CREATEPAYMENT_PARAMETER_ERROR); INQUIRY_PAYMENT_SESSION_FAILED
 *     (the session is expired, closed, cancelled, completed or unknown: the message says which);
 *     INITIALIZE_WEB_TIMEOUT (no ready within 10 s, + event SDK_LAUNCH_PAYMENT_APP_ERROR).
 *     renderOptions.appearance is merged over the constructor's; theme ('default', 'night',
 *     'nostalgicGray', 'agateGreen', 'cherryBlossomPink', 'gamingPurple') and the documented
 *     variables (e.g. 'background-primary' or backgroundPrimary) change the form's look.
 *   element.submitPayment() -> Promise<{ status, error?, userCanceled3D? }>   (no arguments)
 *     Calls loading.onStartLoading() / onEndLoading() around it. Not mounted or not ready:
 *     { status: 'FAIL', error: { code: 'UI_STATE_ERROR', message, needChangeSessionForRetry:
 *     false } }. Invalid fields: the form shows the error; { status: 'FAIL', error: { code:
 *     'FORM_INVALID', message, needChangeSessionForRetry: false } }. Otherwise the form submits
 *     (3-D Secure runs inside the Element's frame when the card asks for it) and it resolves
 *     { status: 'SUCCESS' }, { status: 'PROCESSING' } or { status: 'FAIL', error: { code: <Antom
 *     result code, e.g. DO_NOT_HONOR>, message, needChangeSessionForRetry: true } } (a failed
 *     session cannot be paid again); the session becoming unusable meanwhile (expired…) is a
 *     FAIL with that code, needChangeSessionForRetry: true.
 *   element.validateFields() -> Promise<{ isValid }>: the form marks the fields and answers;
 *     { isValid: false } when not mounted.
 *   element.updatePayment(sessionData) -> Promise<false> (as 1.47.2 for card-only sessions).
 *   element.destroy(): removes the frame and listeners; a later mount() is UI_STATE_ERROR.
 *   Events, onEventCallback({ code, message, result: { paymentResultCode, paymentResultMessage } }):
 *     SDK_PAYMENT_SUCCESSFUL, SDK_PAYMENT_PROCESSING, SDK_PAYMENT_FAIL (the outcome, whether the
 *     merchant's submitPayment() or the form's own Pay button, data-testid="sim-submit", paid);
 *     SDK_PAYMENT_ERROR (the session became unusable, or the simulator could not be reached,
 *     after mount: ask the server); SDK_CALL_URL_SUCCESS (redirecting after success); and the
 *     mount errors above (those carry no result).
 *     After SUCCESS, unless notRedirectAfterComplete is true, the browser goes to the session's
 *     paymentRedirectUrl (a custom-scheme URL is offered as a link, data-testid="sim-app-return");
 *     failures and PROCESSING are never redirected.
 *     Saved cards (createPaymentSession savedPaymentMethods) are listed first in the form
 *     (radio inputs data-testid="sim-saved-card" data-last4="1111", then data-testid="sim-new-card");
 *     a saved card asks for its CVV (name=savedCvv) only with storedCard.needCVV true.
 *
 * ---------------------------------------------------------------- AMSCashierPayment, AMSVaulting
 *   var checkout = new AMSCashierPayment({ environment, locale, analytics, onLog, onEventCallback });
 *   checkout.createComponent({ sessionData, appearance: { showLoading, displayOptions },
 *                              notRedirectAfterComplete })      -> Promise (overlay)
 *   checkout.mountComponent({ sessionData, ... }, '#selector')  -> Promise (inline)
 *   checkout.submit(); checkout.unmount(); AMSCashierPayment.preload(); checkout.preload();
 * and AMSVaulting with the same methods for vaulting sessions. AMSCashierPayment refuses a session
 * whose scene is ELEMENT_PAYMENT or CHECKOUT_PAYMENT (SDK_PAYMENT_ERROR with paymentResultCode
 * SDK_CREATEPAYMENT_PARAMETER_ERROR, as for any sessionData it cannot use).
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

  /* The real package's enums that merchants pass to AMSElement (esm/types). */
  var ThemeType = Object.freeze({
    NostalgicGray: 'nostalgicGray',
    Default: 'default',
    Night: 'night',
    CherryBlossomPink: 'cherryBlossomPink',
    GamingPurple: 'gamingPurple',
    AgateGreen: 'agateGreen'
  });
  var PaymentElementLayout = Object.freeze({ Tabs: 'tabs', Accordion: 'Accordion' });
  var ElementType = Object.freeze({ auth: 'auth', address: 'address', payment: 'payment' });

  /*
   * sessionData is `<seg0>&&<hostSign>&&<seg2>&&<base64(JSON)>`, as Antom's SDK splits it
   * (`parseSessionData`): the last segment is standard base64 of UTF-8 JSON. Returns the JSON
   * with `hostSign` and `productScene` (from paymentSessionConfig) added; throws when the data
   * is not a simulator session.
   */
  function decodeSessionData(sessionData) {
    var segments = String(sessionData || '').split('&&');
    if (segments.length < 4) throw new Error('sessionData is not in Antom\'s format');
    var bytes = Uint8Array.from(atob(segments[3]), function (c) { return c.charCodeAt(0); });
    var payload = JSON.parse(new TextDecoder().decode(bytes));
    if (!payload || typeof payload.sessionId !== 'string' || !payload.sessionId) {
      throw new Error('no session in sessionData');
    }
    var config = payload.paymentSessionConfig || {};
    payload.hostSign = segments[1];
    payload.productScene = typeof config.productScene === 'string' ? config.productScene : '';
    return payload;
  }

  /* Where the session's simulator is: {base, origin}; throws when the data does not say. */
  function simulatorOf(session) {
    var base = String(session.simBaseUrl || scriptOrigin).replace(/\/+$/, '');
    return { base: base, origin: new URL(base).origin };
  }

  function style(el, rules) {
    Object.keys(rules).forEach(function (k) { el.style[k] = rules[k]; });
    return el;
  }

  function callSafely(fn, arg) {
    if (typeof fn !== 'function') return;
    try {
      fn(arg);
    } catch (e) {
      if (global.console) global.console.error(e);
    }
  }

  /* A merchant's redirect URL that opens an app (myshop://…): a link the buyer follows, in
     place of the form (browsers open apps reliably only from a link). */
  function appReturnLink(url) {
    var box = style(document.createElement('p'), { padding: '16px', textAlign: 'center', background: '#fff', margin: '0' });
    var link = document.createElement('a');
    link.setAttribute('href', url);
    link.setAttribute('data-testid', 'sim-app-return');
    link.textContent = 'Return to the app';
    box.appendChild(link);
    return box;
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
      callSafely(this._options.onEventCallback, {
        code: code,
        result: { paymentResultCode: resultCode || '', paymentResultMessage: resultMessage || '' }
      });
    }

    /* One of this component's outcome events (SUCCESS, PROCESSING, FAIL, CANCEL, ERROR). */
    _outcome(kind, resultCode, resultMessage) {
      this._emit(EVENT_CODES[this._kind][kind] || EVENT_CODES[this._kind].ERROR, resultCode, resultMessage);
    }

    _log(code, message) {
      callSafely(this._options.onLog, { code: code, message: message || '' });
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
      /* As Antom's SDK, a component takes only the sessions of its own scene: an Element
         session belongs to AMSElement, a Checkout Page session to its normalUrl. */
      if (this._kind === 'payment' && (session.productScene === 'ELEMENT_PAYMENT' || session.productScene === 'CHECKOUT_PAYMENT')) {
        var use = session.productScene === 'ELEMENT_PAYMENT' ? 'AMSElement' : 'the session\'s normalUrl';
        return this._fail('SDK_CREATEPAYMENT_PARAMETER_ERROR',
          'This sessionData is for productScene ' + session.productScene + ' (use ' + use + '), not AMSCashierPayment.');
      }
      var sim;
      try {
        sim = simulatorOf(session);
      } catch (e) {
        return this._fail('SDK_CREATEPAYMENT_PARAMETER_ERROR', 'The sessionData does not say where the simulator is.');
      }
      var host = null;
      if (selector) {
        host = typeof selector === 'string' ? document.querySelector(selector) : selector;
        if (!host) return this._fail('SDK_CREATEPAYMENT_PARAMETER_ERROR', 'No element matches ' + selector + '.');
      }
      this._session = { id: session.sessionId, origin: sim.origin };

      var frame = document.createElement('iframe');
      frame.src = sim.base + '/checkout/form?session=' + encodeURIComponent(session.sessionId) +
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
      this._log('SDK_COMPONENT_MOUNTED', 'Simulator form at ' + sim.origin);
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
      this._container.appendChild(appReturnLink(url));
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

  /* ------------------------------------------------------------------ Payment Element */

  /* The real SDK throws this from `new AMSElement()` (element/type.js). */
  class InvalidElementConfigError extends Error {
    constructor(errors) {
      super('Invalid config:\n' + errors.map(function (e) { return e.field + ': ' + e.message; }).join('\n'));
      this.name = 'InvalidElementConfigError';
      this.errors = errors;
    }
  }

  /* How long mount() waits for the form (the real SDK's INITIALIZE_WEB_TIMEOUT). */
  var MOUNT_TIMEOUT_MS = 10000;
  /* How long validateFields() waits for the form's answer. */
  var VALIDATE_TIMEOUT_MS = 5000;

  var STATUS = { INIT: 'INIT', MOUNTING: 'MOUNTING', READY: 'READY', DESTROYED: 'DESTROYED' };

  function apiError(code, message) {
    return { error: { code: code, message: message } };
  }

  function failed(code, message, needChangeSessionForRetry) {
    return {
      status: 'FAIL',
      error: { code: code, message: message, needChangeSessionForRetry: !!needChangeSessionForRetry }
    };
  }

  /* renderOptions.appearance over the constructor's: theme, layout, card, variables (merged). */
  function mergeAppearance(base, over) {
    base = base && typeof base === 'object' ? base : {};
    over = over && typeof over === 'object' ? over : {};
    var merged = {};
    Object.keys(base).forEach(function (k) { merged[k] = base[k]; });
    Object.keys(over).forEach(function (k) { merged[k] = over[k]; });
    if (base.variables || over.variables) {
      merged.variables = {};
      [base.variables, over.variables].forEach(function (vars) {
        if (vars && typeof vars === 'object') {
          Object.keys(vars).forEach(function (k) { merged.variables[k] = vars[k]; });
        }
      });
    }
    return merged;
  }

  class AMSElement {
    constructor(options) {
      options = options || {};
      if (!options.sessionData) {
        var message = 'sessionData is empty';
        if (global.console) global.console.error('sessionData is empty, please check new AMSElement params.');
        callSafely(options.onEventCallback, { code: 'SDK_CREATE_COMPONENT_ERROR', message: message });
        throw new InvalidElementConfigError([{ field: 'sessionData', message: message }]);
      }
      this._options = options;
      this._environment = String(options.environment || 'prod').toLowerCase();
      this._status = STATUS.INIT;
      this._render = {};
      this._session = null;
      this._container = null;
      this._frame = null;
      this._listener = null;
      /* Which page the frame shows: 'form' or 'challenge' (3-D Secure). */
      this._page = null;
      this._mountResolve = null;
      this._mountTimer = null;
      this._submitResolve = null;
      /* The outcome once the session is paid, failed or processing: it takes no other card. */
      this._outcomeState = null;
      this._validations = {};
      this._requestSeq = 0;
    }

    mount(renderOptions, sdkSelector) {
      var self = this;
      return new Promise(function (resolve) {
        renderOptions = renderOptions || {};
        if (self._status === STATUS.DESTROYED) {
          resolve(apiError('UI_STATE_ERROR', 'Creating components in the destroyed state is forbidden; create a new AMSElement.'));
          return;
        }
        if (self._status !== STATUS.INIT) {
          resolve(apiError('UI_STATE_ERROR', 'This Element is already mounted.'));
          return;
        }
        if (renderOptions.type !== ElementType.payment) {
          resolve(apiError('PARAM_INVALID', 'renderOptions.type must be \'payment\', not ' + JSON.stringify(renderOptions.type) + '.'));
          return;
        }
        var host = typeof sdkSelector === 'string' ? document.querySelector(sdkSelector) : null;
        if (!host) {
          var notFound = 'Element with selector ' + sdkSelector + ' not found.';
          self._event('SDK_CREATE_COMPONENT_ERROR', notFound);
          resolve(apiError('PARAM_INVALID', notFound));
          return;
        }
        var session = null;
        var sim = null;
        try {
          session = decodeSessionData(self._options.sessionData);
          sim = simulatorOf(session);
        } catch (e) {
          session = null;
        }
        if (!session || (session.kind || 'payment') !== 'payment' || session.productScene !== 'ELEMENT_PAYMENT') {
          var why = !session
            ? 'The sessionData is not valid.'
            : 'This sessionData is for productScene ' + (session.productScene || 'none') +
              ', not ELEMENT_PAYMENT: create the session with productScene ELEMENT_PAYMENT for AMSElement.';
          self._event('SDK_CREATEPAYMENT_PARAMETER_ERROR', why);
          resolve(apiError('PARAM_INVALID', why));
          return;
        }
        self._status = STATUS.MOUNTING;
        self._render = renderOptions;
        self._session = { id: session.sessionId, origin: sim.origin };
        self._mountResolve = resolve;
        self._open(host, sim.base, session.sessionId, renderOptions);
        self._mountTimer = global.setTimeout(function () {
          self._mountTimer = null;
          if (self._status !== STATUS.MOUNTING) return;
          self._event('SDK_LAUNCH_PAYMENT_APP_ERROR', 'Load app time out');
          self._unmounted();
          self._settleMount(apiError('INITIALIZE_WEB_TIMEOUT', 'The payment form did not load within ' + (MOUNT_TIMEOUT_MS / 1000) + ' s.'));
        }, MOUNT_TIMEOUT_MS);
      });
    }

    submitPayment() {
      var self = this;
      if (this._status !== STATUS.READY) {
        return Promise.resolve(failed('UI_STATE_ERROR', 'The Element is not mounted, or not ready yet.', false));
      }
      if (this._submitResolve) {
        return Promise.resolve(failed('UI_STATE_ERROR', 'A payment is already being submitted.', false));
      }
      if (this._outcomeState) {
        return Promise.resolve(failed('ORDER_STATUS_INVALID', 'This payment session has already been completed (' + this._outcomeState + ').', true));
      }
      this._loadingCall('onStartLoading');
      return new Promise(function (resolve) {
        self._submitResolve = resolve;
        /* On the 3-D Secure page a payment is already under way: its outcome answers. */
        if (self._page === 'form') self._post({ type: 'submit' });
      });
    }

    validateFields() {
      var self = this;
      if (this._status !== STATUS.READY || this._page !== 'form' || this._outcomeState) {
        return Promise.resolve({ isValid: false });
      }
      return new Promise(function (resolve) {
        var id = ++self._requestSeq;
        self._validations[id] = resolve;
        self._post({ type: 'validate', id: id });
        global.setTimeout(function () { self._answerValidation(id, false); }, VALIDATE_TIMEOUT_MS);
      });
    }

    /* 1.47.2 updates a mounted Element only when the old and the new session both carry
       connectFactor with the same enableConnect (util.js checkCanUpdate), which a card-only
       session never does: it resolves false, and the merchant creates a new AMSElement. */
    updatePayment(paymentSessionData) {
      void paymentSessionData;
      return Promise.resolve(false);
    }

    destroy() {
      if (this._status === STATUS.DESTROYED) return;
      var wasMounting = this._status === STATUS.MOUNTING;
      this._unmounted();
      this._status = STATUS.DESTROYED;
      if (wasMounting) this._settleMount(apiError('UI_STATE_ERROR', 'The Element was destroyed while mounting.'));
    }

    /* ---- internals ---- */

    _event(code, message, result) {
      var event = { code: code, message: message || '' };
      if (result) event.result = result;
      callSafely(this._options.onEventCallback, event);
    }

    _loadingCall(name) {
      var loading = this._options.loading;
      if (loading && typeof loading[name] === 'function') {
        try {
          loading[name]();
        } catch (e) {
          if (global.console) global.console.error(e);
        }
      }
    }

    _post(message) {
      if (!this._frame || !this._frame.contentWindow || !this._session) return;
      message.source = 'antom-sim-sdk';
      this._frame.contentWindow.postMessage(message, this._session.origin);
    }

    _open(host, base, sessionId, renderOptions) {
      var query = new URLSearchParams();
      query.set('session', sessionId);
      query.set('origin', global.location.origin);
      query.set('mode', 'element');
      var appearance = mergeAppearance(this._options.appearance, renderOptions.appearance);
      if (Object.keys(appearance).length) query.set('appearance', JSON.stringify(appearance));
      var storedCard = (renderOptions.merchantAppointParam || {}).storedCard || {};
      if (storedCard.needCVV === true) query.set('needCVV', 'true');
      if (this._options.locale) query.set('lang', String(this._options.locale));

      var frame = document.createElement('iframe');
      frame.src = base + '/checkout/form?' + query.toString();
      frame.title = 'Payment';
      frame.setAttribute('data-testid', 'sim-frame');
      frame.setAttribute('allow', 'payment');
      style(frame, { border: '0', width: '100%', height: '460px', display: 'block', background: 'transparent' });
      var container = document.createElement('div');
      container.setAttribute('data-testid', 'sim-component');
      container.setAttribute('data-integration', 'element');
      container.appendChild(frame);
      host.appendChild(container);
      this._frame = frame;
      this._container = container;
      this._listener = this._onMessage.bind(this);
      global.addEventListener('message', this._listener);
    }

    /* Frame and listeners gone, pending calls answered; back to INIT (a failed mount may be
       tried again) unless destroyed. */
    _unmounted() {
      if (this._listener) global.removeEventListener('message', this._listener);
      if (this._container && this._container.parentNode) this._container.parentNode.removeChild(this._container);
      if (this._mountTimer) global.clearTimeout(this._mountTimer);
      this._listener = null;
      this._container = null;
      this._frame = null;
      this._mountTimer = null;
      this._page = null;
      this._status = STATUS.INIT;
      this._settleSubmit(failed('UI_STATE_ERROR', 'The Element was removed.', false));
      var self = this;
      Object.keys(this._validations).forEach(function (id) { self._answerValidation(id, false); });
    }

    _settleMount(response) {
      var resolve = this._mountResolve;
      this._mountResolve = null;
      if (resolve) resolve(response);
    }

    _settleSubmit(response) {
      var resolve = this._submitResolve;
      if (!resolve) return;
      this._submitResolve = null;
      this._loadingCall('onEndLoading');
      resolve(response);
    }

    _answerValidation(id, isValid) {
      var resolve = this._validations[id];
      if (!resolve) return;
      delete this._validations[id];
      resolve({ isValid: !!isValid });
    }

    _onMessage(event) {
      if (!this._session || !this._frame) return;
      if (event.origin !== this._session.origin || event.source !== this._frame.contentWindow) return;
      var data = event.data || {};
      if (data.source !== 'antom-sim' || data.sessionId !== this._session.id) return;
      switch (data.type) {
        case 'ready':
          this._page = data.page === 'challenge' ? 'challenge' : 'form';
          if (this._status === STATUS.MOUNTING) {
            this._status = STATUS.READY;
            if (this._mountTimer) global.clearTimeout(this._mountTimer);
            this._mountTimer = null;
            this._settleMount({});
          }
          break;
        case 'size':
          if (typeof data.height === 'number' && data.height > 0) {
            this._frame.style.height = Math.min(Math.max(Math.ceil(data.height), 120), 1600) + 'px';
          }
          break;
        case 'validated':
          this._answerValidation(data.id, data.isValid === true);
          break;
        case 'verification-failed':
          /* FORM_INVALID is our inference: 1.47.2 relays the frame's answer as is, and merchant
             code seen in the wild branches on error.code === 'FORM_INVALID' (notes §2.5 [I:3P-F]). */
          this._settleSubmit(failed('FORM_INVALID', data.message || 'Check the card details.', false));
          break;
        case 'error':
          this._refused(data);
          break;
        case 'result':
          this._complete(data);
          break;
      }
    }

    /* The session cannot be used (expired, closed, cancelled, completed, unknown) or the
       simulator could not be reached. */
    _refused(data) {
      var code = data.code || 'UNKNOWN';
      var message = data.message || 'The payment session cannot be used.';
      if (this._status === STATUS.MOUNTING) {
        this._unmounted();
        this._settleMount(apiError('INQUIRY_PAYMENT_SESSION_FAILED',
          'The payment session cannot be used: ' + message + ' (' + code + ').'));
        return;
      }
      this._event(EVENT_CODES.payment.ERROR, message, { paymentResultCode: code, paymentResultMessage: message });
      this._settleSubmit(failed(code, message, code !== 'NETWORK_ERROR'));
    }

    /* The session reached SUCCESS, PROCESSING or FAIL (the merchant's submitPayment(), or the
       form's own Pay button): the outcome event, the pending submitPayment(), the redirect. */
    _complete(data) {
      var status = data.state === 'SUCCESS' || data.state === 'PROCESSING' ? data.state : 'FAIL';
      var resultCode = data.resultCode || '';
      var resultMessage = data.resultMessage || '';
      this._outcomeState = status;
      this._event(EVENT_CODES.payment[status], resultMessage || status,
        { paymentResultCode: resultCode, paymentResultMessage: resultMessage });
      if (status === 'FAIL') {
        /* A failed session cannot be paid again: a new one is needed. */
        this._settleSubmit(failed(resultCode || 'PROCESS_FAIL', resultMessage || 'The payment failed.', true));
        return;
      }
      this._settleSubmit({ status: status });
      if (status !== 'SUCCESS' || this._render.notRedirectAfterComplete === true || !data.redirectUrl) return;
      var url = data.redirectUrl;
      if (/^https?:/i.test(url)) {
        this._event('SDK_CALL_URL_SUCCESS', 'Redirecting to the merchant.');
        /* After the merchant's then() has run. */
        global.setTimeout(function () { global.location.assign(url); }, 0);
      } else if (this._container) {
        if (this._frame && this._frame.parentNode) this._frame.parentNode.removeChild(this._frame);
        this._frame = null;
        this._container.appendChild(appReturnLink(url));
      }
    }
  }

  global.AMSElement = AMSElement;
  global.AMSCashierPayment = AMSCashierPayment;
  global.AMSVaulting = AMSVaulting;
  global.ThemeType = ThemeType;
  global.PaymentElementLayout = PaymentElementLayout;
  global.ElementType = ElementType;
})(window);
