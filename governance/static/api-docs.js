// The API documentation page: Swagger UI over the app's own OpenAPI document. "Try it out"
// sends the personal token given under Authorize as Authorization: Bearer.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});
