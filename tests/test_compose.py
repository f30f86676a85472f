"""compose.yaml and the Dockerfile name only commands and settings Frankly has.

The image cannot be built here (no access to Docker Hub), so this is what can be
checked: the services, their health checks and volumes, and that every command and
environment variable they give exists in the code.
"""

import re
from pathlib import Path

import yaml
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "\n".join(p.read_text() for p in (ROOT / "frankly").rglob("*.py"))


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def check_frankly_command(command: list[str]) -> None:
    assert command[0] == "frankly", command
    name, *options = command[1:]
    app = get_commands()[name]
    parser = load_command_class(app, name).create_parser("frankly", name)
    parser.parse_args(options)  # exits (SystemExit) on an option the command lacks


def test_compose_runs_app_worker_postgresql_and_redis_with_health_checks():
    services = compose()["services"]
    assert set(services) == {"app", "worker", "db", "redis"}
    for name, service in services.items():
        assert service["healthcheck"]["test"][0] == "CMD", name
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert set(compose()["volumes"]) == {"frankly-data", "postgres-data", "redis-data"}
    assert "frankly-data:/data" in services["app"]["volumes"]
    assert "frankly-data:/data" in services["worker"]["volumes"]
    for needed in ("db", "redis"):
        assert services["app"]["depends_on"][needed]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_the_commands_exist_with_their_options():
    services = compose()["services"]
    check_frankly_command(services["app"]["command"])
    check_frankly_command(services["worker"]["command"])
    check_frankly_command(services["worker"]["healthcheck"]["test"][1:])
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)[1]
    assert yaml.safe_load(cmd) == services["app"]["command"]
    assert "/healthz" in dockerfile and 'path("healthz"' in (ROOT / "frankly/urls.py").read_text()
    for copied in re.findall(r"^COPY (.+) \S+$", dockerfile, re.M):
        for path in copied.split():
            assert (ROOT / path).exists(), path


def test_every_variable_given_to_frankly_is_read_by_it():
    services = compose()["services"]
    for name in ("app", "worker"):
        for variable, value in services[name]["environment"].items():
            assert f'"{variable}"' in SOURCE, f"{name}: {variable} is not read by Frankly"
            # Compose interpolation is ${NAME}, ${NAME:-default} or ${NAME:?error}.
            for ref in re.findall(r"\$\{([^}]*)\}", str(value)):
                assert re.fullmatch(r"[A-Z_]+(:[-?].*)?", ref), ref
    assert services["app"]["environment"]["FRANKLY_TASKS"] == "redis"
    assert services["app"]["environment"]["DATABASE_URL"].startswith("postgres://")
