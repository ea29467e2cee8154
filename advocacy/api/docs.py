"""The interactive API page at /api/docs/: Swagger UI from drf-spectacular-sidecar's static files (no
CDN), in the split form whose start-up script is a separate same-origin request, and with the page's
few base styles in a static file instead of an inline <style>, so it runs under the site's strict
Content-Security-Policy (script-src 'self', style-src 'self') unchanged."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "Advocacy API"
