/* The hosted card form: checks the card in the browser, submits it to the simulator.
 *
 * In the Payment Element's frame (SimFrame.mode === 'element') it also lists the session's
 * saved cards, answers the Element's `submit` (its submitPayment()) and `validate` (its
 * validateFields()) requests, and has no Cancel button (the Element is part of the merchant's
 * page). The form's own Pay button (data-testid=sim-submit) works in every mode. */
(function () {
  'use strict';

  var F = window.SimFrame;
  var form = document.getElementById('card-form');
  var submitButton = form.querySelector('[data-testid=sim-submit]');
  var cancelButton = form.querySelector('[data-testid=sim-cancel]');
  var savedBox = document.getElementById('saved-cards');
  var savedList = document.getElementById('saved-list');
  var savedCvvRow = document.getElementById('saved-cvv-row');
  var element = F.mode === 'element';
  /* merchantAppointParam.storedCard.needCVV: a saved card asks for its CVV. */
  var needCvv = element && F.params.get('needCVV') === 'true';
  var NEW_CARD_FIELDS = ['cardNumber', 'expiry', 'cvv', 'holderName'];
  var busy = false;
  var current = null;
  /* The form works without scripts (it posts to this page); with them, it shows once the
     session is known to be open. */
  form.hidden = true;
  if (element) cancelButton.hidden = true;

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

  /* The selected saved card's index, or null for a new card. */
  function savedChoice() {
    var checked = form.querySelector('input[name=cardChoice]:checked');
    if (!checked || checked.value === 'new') return null;
    return +checked.value;
  }

  /* The same checks the simulator applies; returns {field, message} or null. */
  function verify(values) {
    if (values.savedCard !== undefined) {
      if (needCvv && !/^\d{3,4}$/.test(values.cvv)) {
        return { field: 'savedCvv', message: 'Enter the 3 or 4 digit CVV of the saved card.' };
      }
      return null;
    }
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
    var saved = savedChoice();
    if (saved !== null) {
      return { savedCard: saved, cvv: needCvv ? form.elements.savedCvv.value.trim() : '' };
    }
    return {
      cardNumber: form.elements.cardNumber.value,
      expiry: form.elements.expiry.value,
      cvv: form.elements.cvv.value.trim(),
      holderName: form.elements.holderName.value.trim()
    };
  }

  function markInvalid(field) {
    ['cardNumber', 'expiry', 'cvv', 'savedCvv'].forEach(function (name) {
      form.elements[name].setAttribute('aria-invalid', name === field ? 'true' : 'false');
    });
  }

  function verificationFailed(problem, code) {
    markInvalid(problem.field);
    F.show('error', problem.message);
    F.post({ type: 'verification-failed', code: code || 'FORM_VERIFICATION_FAILED', field: problem.field || null, message: problem.message });
  }

  /* Checks the entered card and marks the fields; true when it can be submitted. */
  function check() {
    var problem = verify(values());
    if (problem) {
      markInvalid(problem.field);
      F.show('error', problem.message);
      return false;
    }
    markInvalid(null);
    F.show('error', '');
    return true;
  }

  /* A saved card or a new one: the saved card's CVV shows only when asked for. */
  function choiceChanged() {
    var saved = savedChoice() !== null;
    savedCvvRow.hidden = !(saved && needCvv);
    form.classList.toggle('saved-selected', saved);
  }

  function chooseNewCard() {
    var radio = form.querySelector('input[name=cardChoice][value=new]');
    if (radio && !radio.checked) {
      radio.checked = true;
      choiceChanged();
    }
  }

  /* The session's saved cards (Payment Element only), first one selected. */
  function renderSavedCards(cards) {
    savedList.textContent = '';
    if (!element || !cards || !cards.length) {
      savedBox.hidden = true;
      return;
    }
    cards.forEach(function (card, i) {
      var label = document.createElement('label');
      label.className = 'choice';
      var radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'cardChoice';
      radio.value = String(card.index);
      radio.checked = i === 0;
      radio.setAttribute('data-testid', 'sim-saved-card');
      radio.setAttribute('data-last4', card.lastFour);
      radio.setAttribute('data-brand', card.brand);
      label.appendChild(radio);
      var brand = document.createElement('span');
      brand.className = 'brand';
      brand.textContent = card.brand;
      label.appendChild(brand);
      label.appendChild(document.createTextNode(' •••• ' + card.lastFour + ' '));
      var expiry = document.createElement('span');
      expiry.className = 'expiry';
      expiry.textContent = card.expiry;
      label.appendChild(expiry);
      savedList.appendChild(label);
    });
    savedBox.hidden = false;
    choiceChanged();
  }

  function render(view) {
    current = view;
    var vaulting = view.kind === 'vaulting';
    document.getElementById('title').textContent = vaulting ? 'Save a card' : 'Pay by card';
    F.show('amount', vaulting ? '' : view.amountText || '');
    submitButton.textContent = vaulting ? 'Save card' : 'Pay' + (view.amountText ? ' ' + view.amountText : '');
    switch (view.state) {
      case 'OPEN':
        renderSavedCards(view.savedCards);
        form.hidden = false;
        F.post({ type: 'ready', kind: view.kind, page: 'form' });
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
        verificationFailed({ field: entered.savedCard !== undefined && needCvv ? 'savedCvv' : null, message: view.resultMessage }, view.resultCode);
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

  form.addEventListener('change', function (event) {
    if (event.target && event.target.name === 'cardChoice') choiceChanged();
  });
  /* Typing a new card's details selects "a new card". */
  NEW_CARD_FIELDS.forEach(function (name) {
    form.elements[name].addEventListener('input', chooseNewCard);
    form.elements[name].addEventListener('focus', chooseNewCard);
  });

  cancelButton.addEventListener('click', function () {
    F.post({ type: 'cancel' });
    if (!F.embedded && current && current.redirectUrl) F.returnTo(current.redirectUrl);
  });

  /* The SDK asks the form to submit: AMSCashierPayment's submit(), AMSElement's
     submitPayment(). A form already submitting answers with that payment's outcome; a form
     that is gone (the session was refused) says so again. */
  F.on('submit', function () {
    if (!form.hidden) {
      if (busy) return;
      if (typeof form.requestSubmit === 'function') form.requestSubmit();
      else submitButton.click();
      return;
    }
    F.refuseAgain();
  });

  /* AMSElement's validateFields(): mark the fields, answer whether they would be accepted. */
  F.on('validate', function (data) {
    var isValid = !form.hidden && !busy && check();
    F.post({ type: 'validated', id: data.id, isValid: isValid });
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
