/* The hosted card form: checks the card in the browser, submits it to the simulator. */
(function () {
  'use strict';

  var F = window.SimFrame;
  var form = document.getElementById('card-form');
  var submitButton = form.querySelector('[data-testid=sim-submit]');
  var cancelButton = form.querySelector('[data-testid=sim-cancel]');
  var busy = false;
  var current = null;
  /* The form works without scripts (it posts to this page); with them, it shows once the
     session is known to be open. */
  form.hidden = true;

  function digits(value) {
    return String(value || '').replace(/[\s-]/g, '');
  }

  function luhn(number) {
    var sum = 0;
    for (var i = 0; i < number.length; i++) {
      var d = number.charCodeAt(number.length - 1 - i) - 48;
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  /* The same checks the simulator applies; returns {field, message} or null. */
  function verify(values) {
    var number = digits(values.cardNumber);
    if (!/^\d{12,19}$/.test(number) || !luhn(number)) {
      return { field: 'cardNumber', message: 'Enter a valid card number.' };
    }
    var m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(values.expiry);
    if (!m || +m[1] < 1 || +m[1] > 12) {
      return { field: 'expiry', message: 'Enter the expiry date as MM/YY.' };
    }
    var year = m[2].length === 2 ? 2000 + +m[2] : +m[2];
    var now = new Date();
    if (year * 12 + (+m[1] - 1) < now.getFullYear() * 12 + now.getMonth()) {
      return { field: 'expiry', message: 'The card has expired.' };
    }
    if (!/^\d{3,4}$/.test(values.cvv)) {
      return { field: 'cvv', message: 'Enter the 3 or 4 digit CVV.' };
    }
    return null;
  }

  function values() {
    return {
      cardNumber: form.elements.cardNumber.value,
      expiry: form.elements.expiry.value,
      cvv: form.elements.cvv.value.trim(),
      holderName: form.elements.holderName.value.trim()
    };
  }

  function markInvalid(field) {
    ['cardNumber', 'expiry', 'cvv'].forEach(function (name) {
      form.elements[name].setAttribute('aria-invalid', name === field ? 'true' : 'false');
    });
  }

  function verificationFailed(problem, code) {
    markInvalid(problem.field);
    F.show('error', problem.message);
    F.post({ type: 'verification-failed', code: code || 'FORM_VERIFICATION_FAILED', field: problem.field || null, message: problem.message });
  }

  function render(view) {
    current = view;
    var vaulting = view.kind === 'vaulting';
    document.getElementById('title').textContent = vaulting ? 'Save a card' : 'Pay by card';
    F.show('amount', vaulting ? '' : view.amountText || '');
    submitButton.textContent = vaulting ? 'Save card' : 'Pay' + (view.amountText ? ' ' + view.amountText : '');
    switch (view.state) {
      case 'OPEN':
        form.hidden = false;
        F.post({ type: 'ready', kind: view.kind });
        break;
      case 'CHALLENGE':
        window.location.replace(F.challengeHref());
        break;
      case 'SUCCESS':
      case 'FAIL':
      case 'PROCESSING':
        F.refuse('ORDER_STATUS_INVALID', 'This session has already been completed.');
        break;
      default:
        F.refuse(view.resultCode, view.resultMessage || 'This session can no longer be used.');
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    var entered = values();
    var problem = verify(entered);
    if (problem) {
      verificationFailed(problem);
      return;
    }
    markInvalid(null);
    F.show('error', '');
    busy = true;
    submitButton.disabled = true;
    F.api('/submit', entered).then(function (res) {
      busy = false;
      submitButton.disabled = false;
      if (!res.ok) {
        var error = F.errorOf(res);
        form.hidden = true;
        F.refuse(error.code, error.message);
        return;
      }
      var view = res.body;
      current = view;
      if (view.inputError) {
        verificationFailed({ field: null, message: view.resultMessage }, view.resultCode);
        return;
      }
      if (view.state === 'CHALLENGE') {
        window.location.assign(F.challengeHref());
        return;
      }
      form.hidden = true;
      F.finish(view);
    }).catch(function () {
      busy = false;
      submitButton.disabled = false;
      F.refuse('NETWORK_ERROR', 'The simulator could not be reached.');
    });
  });

  cancelButton.addEventListener('click', function () {
    F.post({ type: 'cancel' });
    if (!F.embedded && current && current.redirectUrl) F.returnTo(current.redirectUrl);
  });

  /* The SDK's submit() (element mode) asks the form to submit. */
  window.addEventListener('message', function (event) {
    if (!F.embedded || event.origin !== F.parentOrigin || event.source !== window.parent) return;
    var data = event.data || {};
    if (data.source === 'antom-sim-sdk' && data.type === 'submit' && !form.hidden) {
      if (typeof form.requestSubmit === 'function') form.requestSubmit();
      else submitButton.click();
    }
  });

  F.api('').then(function (res) {
    if (!res.ok) {
      var error = F.errorOf(res);
      F.refuse(error.code, error.message);
      return;
    }
    render(res.body);
  }).catch(function () {
    F.refuse('NETWORK_ERROR', 'The simulator could not be reached.');
  });
})();
