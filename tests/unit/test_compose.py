"""The container set-up (docker-compose.yml, Dockerfile, .env.example) and scripts/airflow-local.sh.

No Docker engine is needed: the files are parsed and checked against what the package and Airflow read.
"""

from __future__ import annotations

import importlib.util
import posixpath
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict] = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
LOCAL_SCRIPT = ROOT / "scripts" / "airflow-local.sh"

# Every Airflow component is built from the project's Dockerfile; the databases and redis are not.
AIRFLOW_SERVICES = sorted(name for name, svc in SERVICES.items() if "build" in svc)
COMMANDS = {
    "airflow-api-server": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
CELERY_ONLY = {"redis", "airflow-worker", "flower"}
# What the image needs from the repository to install and run the project.
IMAGE_NEEDS = ["pyproject.toml", "requirements.lock", "src", "sql", "config", "dags", "sample_data"]

VAR_REF = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::?[?-][^}]*)?\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|(^|_)KEY$")
URL_USERINFO = re.compile(r"[a-z][a-z0-9+.-]*://(?P<userinfo>[^/@]*)@")


def env(service: str) -> dict[str, str]:
    environment = SERVICES[service].get("environment", {})
    assert isinstance(environment, dict), f"{service}: write environment as a mapping"
    return environment


def interpolate(value: str) -> str:
    """What compose would substitute, with a stand-in for each variable (enough to parse URLs)."""
    return VAR_REF.sub(lambda m: f"x-{m['name'].lower()}", value)


def host_of(url: str) -> str:
    return urlsplit(interpolate(url)).hostname


def command_text(service: str) -> str:
    command = SERVICES[service].get("command", "")
    return command if isinstance(command, str) else " ".join(command)


def is_var_ref(value: str) -> bool:
    return VAR_REF.fullmatch(value) is not None


def all_strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from all_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_strings(value)
    elif isinstance(node, str):
        yield node


# --- docker-compose.yml: services ------------------------------------------------------------------


@pytest.mark.parametrize(("service", "command"), sorted(COMMANDS.items()))
def test_airflow_service_runs_its_component(service, command):
    assert command_text(service) == command


def test_databases_and_broker_use_their_images():
    assert SERVICES["postgis"]["image"].startswith("postgis/postgis:")
    assert SERVICES["airflow-metadb"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")


def test_init_migrates_airflow_then_linewatch():
    command = command_text("airflow-init")
    assert "airflow db migrate" in command
    assert "linewatch db upgrade" in command
    assert command.index("airflow db migrate") < command.index("linewatch db upgrade")


def test_airflow_services_share_the_image_built_from_the_dockerfile():
    assert set(COMMANDS) | {"airflow-init"} <= set(AIRFLOW_SERVICES)
    builds = {str(SERVICES[s]["build"]) for s in AIRFLOW_SERVICES}
    images = {SERVICES[s].get("image") for s in AIRFLOW_SERVICES}
    assert len(builds) == 1 and len(images) == 1
    assert SERVICES[AIRFLOW_SERVICES[0]]["build"]["dockerfile"] == "Dockerfile"


@pytest.mark.parametrize(
    ("variable", "reference"),
    [
        ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW_JWT_SECRET"),
        ("AIRFLOW__API__SECRET_KEY", "AIRFLOW_API_SECRET_KEY"),
        ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW_FERNET_KEY"),
    ],
)
def test_airflow_services_share_one_required_secret(variable, reference):
    values = {env(s).get(variable) for s in AIRFLOW_SERVICES}
    assert len(values) == 1, f"{variable} differs between services: {values}"
    (value,) = values
    assert re.fullmatch(rf"\$\{{{reference}:\?[^}}]+\}}", value), f"{variable} must be ${{{reference}:?...}}"


def test_airflow_services_share_the_metadata_db_and_it_is_not_postgis():
    urls = {env(s)["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] for s in AIRFLOW_SERVICES}
    assert len(urls) == 1
    (url,) = urls
    assert host_of(url) == "airflow-metadb"
    assert host_of(env(AIRFLOW_SERVICES[0])["AIRFLOW__CELERY__RESULT_BACKEND"]) == "airflow-metadb"
    for service in AIRFLOW_SERVICES:
        assert host_of(env(service)["AIRFLOW_CONN_LINEWATCH_POSTGIS"]) == "postgis"
        assert host_of(env(service)["LINEWATCH_DATABASE_URL"]) == "postgis"
    assert SERVICES["airflow-metadb"]["volumes"] != SERVICES["postgis"]["volumes"]


def test_airflow_connection_and_package_url_name_the_same_database():
    for service in AIRFLOW_SERVICES:
        conn = urlsplit(interpolate(env(service)["AIRFLOW_CONN_LINEWATCH_POSTGIS"]))
        url = urlsplit(interpolate(env(service)["LINEWATCH_DATABASE_URL"]))
        assert conn.scheme == "postgresql" and url.scheme == "postgresql+psycopg"
        assert conn.netloc == url.netloc and conn.path == url.path == "/linewatch"


def test_execution_api_points_at_the_api_server():
    url = env("airflow-api-server")["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
    assert url == "http://airflow-api-server:8080/execution/"
    assert any(p.endswith(":8080") for p in SERVICES["airflow-api-server"]["ports"])


def test_simple_auth_manager_requires_login():
    for service in AIRFLOW_SERVICES:
        assert env(service)["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] == "False"
        users = interpolate(env(service)["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"])
        assert users, "the simple auth manager needs users"
    assert re.search(
        r"\boperator:admin\b", env("airflow-api-server")["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"]
    )


@pytest.mark.parametrize("service", ["postgis", "airflow-metadb", "airflow-api-server"])
def test_service_has_a_healthcheck(service):
    assert SERVICES[service]["healthcheck"]["test"]


def test_healthchecks_probe_the_right_thing():
    assert "pg_isready" in SERVICES["postgis"]["healthcheck"]["test"]
    assert "pg_isready" in SERVICES["airflow-metadb"]["healthcheck"]["test"]
    assert (
        "http://localhost:8080/api/v2/monitor/health" in SERVICES["airflow-api-server"]["healthcheck"]["test"]
    )


def test_dependencies_wait_for_health_or_completion():
    for name, service in SERVICES.items():
        for dependency, spec in service.get("depends_on", {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            condition = spec["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], f"{dependency} has no healthcheck"
            else:
                assert condition == "service_completed_successfully", f"{name} -> {dependency}: {condition}"
    for service in AIRFLOW_SERVICES:
        depends_on = SERVICES[service]["depends_on"]
        assert depends_on["postgis"]["condition"] == "service_healthy"
        assert depends_on["airflow-metadb"]["condition"] == "service_healthy"
        if service != "airflow-init":
            assert depends_on["airflow-init"]["condition"] == "service_completed_successfully"


def test_celery_profile_has_broker_and_worker():
    for name, service in SERVICES.items():
        if name in CELERY_ONLY:
            assert service.get("profiles") == ["celery"], name
        else:
            assert "profiles" not in service, f"{name} must run without a profile"
    for service in AIRFLOW_SERVICES:
        assert env(service)["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
        assert env(service)["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"
        assert env(service)["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
    assert SERVICES["airflow-worker"]["depends_on"]["redis"]["condition"] == "service_healthy"


# --- no secrets in the repository -------------------------------------------------------------------


def test_secret_looking_variables_are_references():
    for name in SERVICES:
        for key, value in env(name).items():
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                assert is_var_ref(str(value)), f"{name}: {key} must be a ${{VAR}} reference, not a literal"


def test_passwords_in_urls_are_references():
    urls_with_password = 0
    for text in all_strings(COMPOSE):
        for match in URL_USERINFO.finditer(text):
            _, _, password = match["userinfo"].partition(":")
            assert password, f"{text}: a connection URL without a password"
            assert is_var_ref(password), f"{text}: the password must be a ${{VAR}} reference"
            urls_with_password += 1
    assert urls_with_password >= 4  # metadata DB, result backend, Airflow connection, package URL


def test_env_example_names_every_required_variable_without_values():
    required = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", (ROOT / "docker-compose.yml").read_text()))
    assert {"AIRFLOW_JWT_SECRET", "AIRFLOW_DB_PASSWORD", "LINEWATCH_DB_PASSWORD"} <= required
    assignments = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    assert required <= set(assignments), f"missing from .env.example: {required - set(assignments)}"
    for name in required:
        assert assignments[name] == "", f".env.example must not carry a value for {name}"


# --- the package's environment ----------------------------------------------------------------------


def package_env_vars() -> set[str]:
    source = (ROOT / "src" / "linewatch" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"""env\.get\(["'](LINEWATCH_[A-Z_]+)["']""", source))


def test_package_settings_variables_are_known():
    assert {
        "LINEWATCH_DATABASE_URL",
        "LINEWATCH_REPORTS_DIR",
        "LINEWATCH_CONFIG",
        "LINEWATCH_SAMPLE_DATA",
        "LINEWATCH_TIMEZONE",
    } <= package_env_vars()


@pytest.mark.parametrize("service", AIRFLOW_SERVICES)
def test_airflow_service_sets_what_the_package_and_dags_read(service):
    missing = (package_env_vars() | {"AIRFLOW_CONN_LINEWATCH_POSTGIS"}) - set(env(service))
    assert not missing, f"{service} does not set {sorted(missing)}"


@pytest.mark.parametrize("service", AIRFLOW_SERVICES)
def test_reports_are_written_to_the_named_volume(service):
    reports_dir = env(service)["LINEWATCH_REPORTS_DIR"]
    assert f"reports:{reports_dir}" in SERVICES[service]["volumes"]
    assert "reports" in COMPOSE["volumes"]


# --- Dockerfile -------------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    instructions, pending = [], ""
    for raw in DOCKERFILE.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def image_layout() -> tuple[dict[str, str], dict[str, str], list[tuple[str, str]]]:
    """(repository path -> absolute path in the image, ENV values, RUN commands with their WORKDIR)."""
    copies, variables, runs, workdir = {}, {}, [], "/"
    for keyword, arguments in dockerfile_instructions():
        if keyword == "WORKDIR":
            workdir = posixpath.join(workdir, arguments)
        elif keyword == "COPY":
            *sources, dest = [t for t in shlex.split(arguments) if not t.startswith("--")]
            dest = posixpath.normpath(posixpath.join(workdir, dest))
            for source in sources:
                source = source.rstrip("/")
                copies[source] = posixpath.join(dest, source) if len(sources) > 1 else dest
        elif keyword == "ENV":
            variables.update(token.split("=", 1) for token in shlex.split(arguments))
        elif keyword == "RUN":
            runs.append((workdir, arguments))
    return copies, variables, runs


def test_dockerfile_is_based_on_airflow_3_3_python_3_11():
    bases = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "FROM"]
    assert len(bases) == 1
    assert re.fullmatch(r"apache/airflow:(slim-)?3\.3(\.\d+)?-python3\.11", bases[0])


@pytest.mark.parametrize("path", IMAGE_NEEDS)
def test_dockerfile_copies_what_the_image_needs(path):
    copies, _, _ = image_layout()
    assert path in copies, f"the Dockerfile does not COPY {path}"


def test_dockerfile_copies_only_what_exists():
    copies, _, _ = image_layout()
    missing = [source for source in copies if not (ROOT / source).exists()]
    assert not missing, f"COPY of paths missing from the repository: {missing}"


def test_image_installs_the_project_where_it_finds_its_files():
    # linewatch locates sql/, config/ and sample_data/ next to src/ (settings.PROJECT_ROOT), so the project
    # must be installed editable from the folder they were copied into.
    copies, variables, runs = image_layout()
    project_root = posixpath.dirname(copies["src"])
    for folder in ("sql", "config", "sample_data", "dags"):
        assert copies[folder] == posixpath.join(project_root, folder)
    installs = [(workdir, command) for workdir, command in runs if "pip install" in command]
    assert len(installs) == 1
    workdir, command = installs[0]
    assert workdir == project_root and "-e ." in command
    assert "-c requirements.lock" in command
    assert "apache-airflow-providers-celery" in command
    assert variables["AIRFLOW__CORE__DAGS_FOLDER"] == copies["dags"]

    compose_env = env("airflow-scheduler")
    assert compose_env["LINEWATCH_SAMPLE_DATA"] == copies["sample_data"]
    config = compose_env["LINEWATCH_CONFIG"]
    assert posixpath.dirname(config) == copies["config"]
    assert (ROOT / "config" / posixpath.basename(config)).is_file()


# --- Airflow configuration names ----------------------------------------------------------------------


def airflow_config_options() -> dict[str, set[str]]:
    """Sections and options of the installed Airflow core, read from its config.yml without importing it."""
    spec = importlib.util.find_spec("airflow")
    template = Path(spec.submodule_search_locations[0]) / "config_templates" / "config.yml"
    sections = yaml.safe_load(template.read_text(encoding="utf-8"))
    return {section: set(body.get("options", {})) for section, body in sections.items()}


# Sections that come from providers not installed in the development virtualenv (only in the image).
PROVIDER_SECTIONS = {"celery"}


@pytest.mark.parametrize("source", ["docker-compose.yml", "scripts/airflow-local.sh", "Dockerfile"])
def test_airflow_settings_name_real_options(source):
    options = airflow_config_options()
    names = set(re.findall(r"\bAIRFLOW__([A-Z0-9_]+?)__([A-Z0-9_]+)\b", (ROOT / source).read_text()))
    assert names
    for section, option in sorted(names):
        section, option = section.lower(), option.lower()
        if section in PROVIDER_SECTIONS:
            continue
        assert option in options.get(section, set()), (
            f"{source}: [{section}] {option} is not an Airflow option"
        )


# --- scripts/airflow-local.sh -----------------------------------------------------------------------


def test_local_airflow_script_parses():
    result = subprocess.run(["bash", "-n", str(LOCAL_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_local_airflow_script_passes_shellcheck():
    result = subprocess.run(["shellcheck", str(LOCAL_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_local_airflow_script_keeps_metadata_and_data_apart():
    text = LOCAL_SCRIPT.read_text(encoding="utf-8")
    assert re.search(
        r"AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgresql\+psycopg://\$PG/linewatch_airflow\b", text
    )
    assert re.search(r"AIRFLOW_CONN_LINEWATCH_POSTGIS:-postgresql://\$PG/linewatch\}", text)
    assert "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=False" in text


# --- operations: the PostGIS pool and the alert webhook ---------------------------------------------


def operations_config() -> dict:
    return yaml.safe_load((ROOT / "config" / "linewatch.yaml").read_text(encoding="utf-8"))["operations"]


def test_init_creates_the_postgis_pool_after_migrating():
    # The scheduler never queues a task whose pool does not exist: the pool must be there before DAGs run.
    command = command_text("airflow-init")
    assert "airflow pools set linewatch_postgis" in command
    assert command.index("airflow db migrate") < command.index("airflow pools set")
    assert "postgis_pool_slots" in command


def test_local_airflow_script_creates_the_postgis_pool_before_starting():
    text = LOCAL_SCRIPT.read_text(encoding="utf-8")
    assert "airflow pools set linewatch_postgis" in text
    start = text[text.index("cmd_start() {"):]
    assert start.index("ensure_pool") < start.index("start_component api-server")


@pytest.mark.parametrize("service", AIRFLOW_SERVICES)
def test_airflow_service_passes_the_alert_webhook(service):
    name = operations_config()["webhook_url_env"]
    value = env(service).get(name)
    assert value is not None, f"{service} does not pass {name}"
    assert is_var_ref(value) and ":-" in value, f"{name} must be an optional reference, got {value!r}"
