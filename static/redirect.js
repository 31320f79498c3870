// /checkout/redirect: submit the bank's verification form at once (routes/redirect.rs renders
// it, with a CSP that lets it go only to the bank's origin). Without JavaScript the buyer
// presses the Continue button.
"use strict";
(function () {
  const form = document.getElementById("redirect-form");
  if (form) form.submit();
})();
