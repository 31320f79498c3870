// /docs/api: swagger-ui over /openapi.json, all from this origin (no CDN, no validator badge,
// no "try it out" requests unless a person asks for one).
/* global SwaggerUIBundle */
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    onComplete: () => document.body.setAttribute("data-api-docs", "ready"),
  });
});
