"""``makemessages`` that puts each app's strings into that app's own catalogue.

Django sends every string under the directory holding a LOCALE_PATHS entry to that
entry, so with ``frankly/locale`` configured the apps' ``locale`` folders would stay
empty. Here the most specific ``locale`` folder wins: ``frankly/feedback/...`` goes to
``frankly/feedback/locale``, and what no app claims (``frankly/templates``, the
top-level modules) to ``frankly/locale``. Separate catalogues let people translate
and review one app at a time without editing the same file.

Run it from the ``frankly`` directory: ``cd frankly && ../.venv/bin/python
../manage.py makemessages -l de -l fr -l es``.
"""

from pathlib import Path

from django.core.management.commands import makemessages

APP_ROOT = Path(__file__).resolve().parents[2]


class Command(makemessages.Command):
    # A new string gets an empty translation, not a guess copied from a similar one:
    # Django would ignore the guess (fuzzy) and tests/i18n catches the empty one.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def find_files(self, root):
        app_locales = [str(p) for p in APP_ROOT.glob("*/locale") if p.is_dir()]
        paths = {str(Path(p).resolve()) for p in [*self.locale_paths, *app_locales]}
        # Longest first: Django takes the first locale folder whose parent holds the file.
        self.locale_paths = sorted(paths, key=len, reverse=True)
        return super().find_files(root)
