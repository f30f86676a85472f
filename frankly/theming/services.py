from django.db import transaction

from frankly.feedback.caching import bump_board_version
from frankly.incidents.caching import bump_status_version
from frankly.theming.caching import bump_theme_version


def publish_theme_change() -> None:
    """Every page shows the saved theme from the next request on, in every process.

    Call inside the transaction that saved the theme: the anonymous board and status
    page are cached whole, header included, so their versions move with it; the
    theme's own version moves once the save is committed, so no process can cache
    the old theme under the new version.
    """
    bump_board_version()
    bump_status_version()
    transaction.on_commit(bump_theme_version)
