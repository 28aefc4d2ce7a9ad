"""The monthly rollup as a PDF (salesops.pdf, WeasyPrint): the level's headline figures, its
children side by side, the 80/20 split, competitors and blank areas."""

from django.http import HttpRequest

from rollups import pages
from salesops.pdf import render_pdf


def rollup_pdf(level, request: HttpRequest | None = None) -> bytes:
    context = pages.page_context(level)
    return render_pdf("rollups/rollup_pdf.html", context, request=request)
