import pytest

from tests.conftest import make_user


@pytest.fixture
def people(db, settings):
    """The five personas by name; ``anonymous`` is None."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    return {
        "anonymous": None,
        "customer": make_user(name="Carol Customer"),
        "other_customer": make_user(name="Oscar Other"),
        "staff": make_user(name="Sam Staff", staff=True),
        "admin": make_user(name="Ada Admin", admin=True),
    }
