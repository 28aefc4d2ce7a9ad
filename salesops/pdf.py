"""PDF of a page's printable template (WeasyPrint; docs/architecture.md "Exports").

The template is rendered by Django, so user text is escaped exactly as on the page; fonts come
from the system (fonts-noto-cjk carries the Chinese glyphs, see the README).
"""

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.http import content_disposition_header
from weasyprint import HTML


def render_pdf(template: str, context: dict, request: HttpRequest | None = None) -> bytes:
    # Looked up on the module at each call (not bound at import), like Django's own shortcuts.
    html = loader.render_to_string(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(filename: str, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
