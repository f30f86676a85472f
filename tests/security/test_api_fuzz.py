"""Schemathesis against /api/v1/openapi.json on a live server, as anonymous, a
customer and staff (Bearer tokens): no 500s, every answer matches the schema and its
content type, invalid input gets a 4xx, and no write succeeds for someone the
authorisation matrix refuses.

Examples per operation are bounded (``FRANKLY_FUZZ_EXAMPLES``, default 3) and the
generation is derandomised, so the run is the same every time and takes seconds.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from frankly.accounts.services import create_api_token
from tests.security.test_authorisation import API_WRITES
from tests.security.world import World

EXAMPLES = int(os.environ.get("FRANKLY_FUZZ_EXAMPLES", "3"))
PREFIX = "/api/v1"


@pytest.mark.django_db(transaction=True)
def test_the_api_holds_up_to_generated_requests(live_server, people, settings, capsys):
    World(people).everything()
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # generated URLs must never reach a network
    tokens = {"anonymous": None}
    for persona in ("customer", "staff"):
        _, tokens[persona] = create_api_token(user=people[persona], name="fuzz")
    schema = schemathesis.openapi.from_url(f"{live_server.url}{PREFIX}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50
    ran = {"examples": 0}
    wrongly_allowed = []

    def fuzzer(operation, persona, headers, mode=GenerationMode.POSITIVE):
        route = (operation.method.upper(), operation.path.removeprefix(PREFIX))
        positive = mode == GenerationMode.POSITIVE
        # Invalid input must be refused with a 4xx, never a 500; its answers are
        # errors, so only the server-error and content-type checks apply.
        checks = [not_a_server_error, content_type_conformance]
        if positive:
            checks.append(response_schema_conformance)

        @given(case=operation.as_strategy(mode))
        @hypothesis_settings(
            max_examples=EXAMPLES if positive else max(1, EXAMPLES // 3),
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            ran["examples"] += 1
            response = case.call_and_validate(
                base_url=live_server.url,
                headers=headers,
                checks=checks,
            )
            write = route[0] != "GET"
            if write and response.status_code < 300 and persona not in API_WRITES[route].allowed:
                wrongly_allowed.append((persona, route, response.status_code))

        return fuzz

    for persona, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for operation in operations:
            fuzzer(operation, persona, headers)()
            fuzzer(operation, persona, headers, GenerationMode.NEGATIVE)()
    assert not wrongly_allowed, wrongly_allowed
    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations x {len(tokens)} personas, "
            f"{ran['examples']} examples"
        )
