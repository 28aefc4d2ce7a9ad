import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings")
application = get_wsgi_application()

from salesops.startup import settle  # noqa: E402 (needs the settings and apps loaded)

settle()
