import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frankly.settings")
django_application = get_wsgi_application()


def application(environ, start_response):
    """Frankly, mounted at FRANKLY_BASE_PATH when one is set.

    A proxy may strip the base path (nginx ``proxy_pass http://app/;``, Caddy
    ``handle_path``) or pass it on (Caddy ``handle``): both work. URLs Frankly makes
    carry the base path either way (FORCE_SCRIPT_NAME).
    """
    base = settings.BASE_PATH
    path = environ.get("PATH_INFO", "")
    if base and (path == base or path.startswith(base + "/")):
        environ["SCRIPT_NAME"] = base
        environ["PATH_INFO"] = path[len(base) :] or "/"
    return django_application(environ, start_response)
