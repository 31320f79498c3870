/* The 3-D Secure challenge page: the buyer passes or fails it. */
(function () {
  'use strict';

  var F = window.SimFrame;
  var section = document.getElementById('challenge');
  var buttons = section.querySelectorAll('button');
  /* The form posts the answer without scripts; with them, it shows once a challenge is known
     to be waiting, and answers through the JSON API. */
  section.hidden = true;

  function answer(outcome) {
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    F.api('/challenge', { outcome: outcome }).then(function (res) {
      section.hidden = true;
      if (!res.ok) {
        var error = F.errorOf(res);
        F.refuse(error.code, error.message);
        return;
      }
      F.finish(res.body);
    }).catch(function () {
      F.refuse('NETWORK_ERROR', 'The simulator could not be reached.');
    });
  }

  section.querySelector('[data-testid=sim-3ds-pass]').addEventListener('click', function (event) {
    event.preventDefault();
    answer('pass');
  });
  section.querySelector('[data-testid=sim-3ds-fail]').addEventListener('click', function (event) {
    event.preventDefault();
    answer('fail');
  });
  section.addEventListener('submit', function (event) { event.preventDefault(); });

  F.api('').then(function (res) {
    if (!res.ok) {
      var error = F.errorOf(res);
      F.refuse(error.code, error.message);
      return;
    }
    var view = res.body;
    if (view.state === 'OPEN') {
      window.location.replace(F.formHref());
      return;
    }
    if (view.state !== 'CHALLENGE') {
      F.refuse(view.resultCode, view.resultMessage || 'No verification is waiting.');
      return;
    }
    var what = view.kind === 'vaulting' ? 'Saving' : 'Paying ' + (view.amountText || '');
    F.show('summary', what + ' with ' + (view.cardBrand || 'card') + ' •••• ' + (view.cardLastFour || ''));
    section.hidden = false;
    F.post({ type: 'ready', kind: view.kind, page: 'challenge' });
  }).catch(function () {
    F.refuse('NETWORK_ERROR', 'The simulator could not be reached.');
  });
})();
