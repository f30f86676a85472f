"""The ``frankly`` command: every manage.py command, plus Frankly's own
(serve, demo, createstaff, token...), which are management commands too."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frankly.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["frankly", *sys.argv[1:]])


if __name__ == "__main__":
    main()
