"""The tests' own layout: shared setup comes from tests.factories and helpers from tests.support,
so no test leans on another test module or on a conftest's helpers, and a test can move or go
without breaking one elsewhere."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(source: str, package: str) -> list[str]:
    """The tests.* modules that source, read as part of package, imports: relative imports,
    imports inside functions and pytest_plugins included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                module = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from package import name` imports the module package.name when there is one.
            found += [
                f"{module}.{alias.name}" if is_module(f"{module}.{alias.name}") else module for alias in node.names
            ]
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytest_plugins" for target in node.targets
        ):
            found += [n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return [module for module in found if module == "tests" or module.startswith("tests.")]


def allowed(module: str) -> bool:
    return any(module == shared or module.startswith(shared + ".") for shared in ("tests.factories", "tests.support"))


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).parts[:-1])


def test_tests_import_only_the_factories_and_the_support_modules():
    modules = sorted(path for path in TESTS.rglob("*.py") if "node_modules" not in path.parts)
    assert len(modules) > 50, "the scan must see the whole test suite"
    offending = {}
    for path in modules:
        imported = imported_modules(path.read_text(encoding="utf-8"), package_of(path))
        if bad := sorted({module for module in imported if not allowed(module)}):
            offending[str(path.relative_to(ROOT))] = bad
    assert offending == {}, "import shared setup from tests.factories and helpers from tests.support"


def test_the_layout_check_sees_every_way_of_importing_a_test_module():
    source = """
import tests.conftest
import tests.support
from tests.registrations.conftest import participant
from tests.factories import CONSENT
from tests import conftest, factories
from . import test_public
from .conftest import sign_up
from ..calendar.test_feeds import SPRING_FORWARD
from ..support import calendar_readers

def later():
    from tests.manage.test_events_admin import event_form_data

pytest_plugins = ["tests.notifications.conftest"]
"""
    imported = imported_modules(source, "tests.registrations")
    assert sorted({module for module in imported if not allowed(module)}) == [
        "tests.calendar.test_feeds",
        "tests.conftest",
        "tests.manage.test_events_admin",
        "tests.notifications.conftest",
        "tests.registrations.conftest",
        "tests.registrations.test_public",
    ]
    assert sorted({module for module in imported if allowed(module)}) == [
        "tests.factories",
        "tests.support",
        "tests.support.calendar_readers",
    ]
