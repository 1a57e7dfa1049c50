// Starts the vendored Swagger UI on /api/docs. A file rather than an inline script, so the
// page keeps the site's CSP (script-src 'self'). Signed in, "Try it out" sends the session
// cookie (same origin) and, on writes, the page's CSRF token as the API expects.
(function () {
  "use strict";
  var holder = document.getElementById("api-docs");
  if (!holder || !window.SwaggerUIBundle) { return; }
  var csrf = document.body.getAttribute("data-csrf");
  window.SwaggerUIBundle({
    url: holder.getAttribute("data-spec"),
    domNode: holder,
    validatorUrl: null, // the badge would ask validator.swagger.io about our document
    deepLinking: true,
    docExpansion: "list", // areas open, operations folded
    defaultModelsExpandDepth: 0,
    requestInterceptor: function (request) {
      if (csrf && !/^(GET|HEAD|OPTIONS)$/i.test(request.method || "GET")) {
        request.headers["X-CSRF-Token"] = csrf;
      }
      return request;
    }
  });
}());
