"""The layering of docs/architecture.md, checked on the code with `ast` (no imports are run).

Imports only go downwards: setagaya_plan.lib → measures.models → setagaya_plan.core → indicators → consultations.
No module-level import cycle among the project's modules, and no import of a project module inside a function
(such an import only hides a cycle or a dependency in the wrong direction), except where Django leaves no other
way (ALLOWED_FUNCTION_IMPORTS). Migrations are history and are not checked.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("setagaya_plan", "measures", "indicators", "consultations")

# module:qualified function → why the import cannot be at module level.
ALLOWED_FUNCTION_IMPORTS = {
    # An app's modules that import models cannot be imported while Django is still loading the apps (apps.py is
    # read before any model exists); ready() is where Django says to register into other apps' extension points.
    "consultations.apps:ConsultationsConfig.ready": "registers into indicators' proposal and data-loader registries",
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported project module
    line: int
    function: str = ""  # qualified name of the enclosing function, "" at module level
    type_checking: bool = False  # under `if TYPE_CHECKING:`: a dependency, but never run


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_sources(root: Path = ROOT) -> dict[str, str]:
    """Every module of the project's packages, by dotted name, migrations excluded."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            found[module_name(path, root)] = path.read_text(encoding="utf-8")
    return found


def _resolve(name: str, modules: set[str]) -> str | None:
    """The project module `name` refers to (itself, or its nearest parent that is a module), or None."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(source_module: str, text: str, modules: set[str]) -> list[Import]:
    """The project modules a module imports, with where: `from a.b import c` names a.b.c when c is a module."""
    tree = ast.parse(text)
    is_package = any(m.startswith(source_module + ".") for m in modules)
    found: list[Import] = []

    def visit(node: ast.AST, function: str, type_checking: bool, scope: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name, modules)
                if target:
                    found.append(Import(source_module, target, node.lineno, function, type_checking))
            return
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = source_module if is_package else source_module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            for alias in node.names:
                target = _resolve(f"{base}.{alias.name}", modules) or _resolve(base, modules)
                if target:
                    found.append(Import(source_module, target, node.lineno, function, type_checking))
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            qualified = f"{scope}.{node.name}" if scope else node.name
            for child in node.body:
                visit(child, qualified, type_checking, qualified)
            return
        if isinstance(node, ast.ClassDef):
            qualified = f"{scope}.{node.name}" if scope else node.name
            for child in node.body:
                visit(child, function, type_checking, qualified)
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, function, True, scope)
            for child in node.orelse:
                visit(child, function, type_checking, scope)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, function, type_checking, scope)

    visit(tree, "", False, "")
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def all_imports(sources: dict[str, str]) -> list[Import]:
    modules = set(sources)
    return [found for name, text in sources.items() for found in imports_of(name, text, modules)]


def cycles(imports: list[Import]) -> list[list[str]]:
    """Groups of modules that import each other at module level (run at import time), as Tarjan finds them."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        if not found.function and not found.type_checking:
            graph.setdefault(found.source, set()).add(found.target)
            graph.setdefault(found.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def _in(module: str, *packages: str) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def layering_violations(imports: list[Import]) -> list[str]:
    rules = [
        # (who, may not import, why)
        (("setagaya_plan.lib",), ("measures", "setagaya_plan.core", "indicators", "consultations"), "lib is pure"),
        (("measures.models",), ("setagaya_plan.core", "indicators", "consultations"), "the plan's structure"),
        (("setagaya_plan.core",), ("indicators", "consultations"), "core is below both apps"),
        (("indicators",), ("consultations",), "indicators offers extension points instead"),
    ]
    found = []
    for item in imports:
        for who, forbidden, why in rules:
            if _in(item.source, *who) and _in(item.target, *forbidden):
                found.append(f"{item.source}:{item.line} imports {item.target} ({why})")
    return found


def function_level_imports(imports: list[Import]) -> list[str]:
    return [
        f"{item.source}:{item.line} imports {item.target} inside {item.function}()"
        for item in imports
        if item.function and f"{item.source}:{item.function}" not in ALLOWED_FUNCTION_IMPORTS
    ]


@pytest.fixture(scope="module")
def project_imports() -> list[Import]:
    return all_imports(project_sources())


def test_the_checker_sees_the_project(project_imports):
    sources = project_sources()
    assert {"setagaya_plan.core.access", "indicators.models.plan", "consultations.feeds"} <= set(sources)
    assert not any("migrations" in name for name in sources)
    edges = {(item.source, item.target) for item in project_imports}
    assert ("consultations.access", "setagaya_plan.core.access") in edges
    assert ("indicators.evaluation.grading", "indicators.evaluation.data") in edges


def test_imports_only_go_downwards(project_imports):
    assert layering_violations(project_imports) == []


def test_no_module_level_import_cycle(project_imports):
    assert cycles(project_imports) == []


def test_no_project_module_is_imported_inside_a_function(project_imports):
    assert function_level_imports(project_imports) == []


def test_every_allowed_function_level_import_still_exists(project_imports):
    used = {f"{item.source}:{item.function}" for item in project_imports if item.function}
    assert set(ALLOWED_FUNCTION_IMPORTS) <= used


# The checker itself, on small made-up projects: each rule fails when it should.

FAKE = {
    "app": "",
    "app.a": "from app import b\n",
    "app.b": "import app.c\n",
    "app.c": "from app.a import thing\n",
    "app.d": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.e import E\n",
    "app.e": "from app.d import D\n",
    "app.f": (
        "def load():\n    from app.a import thing\n\nclass Config:\n    def ready(self):\n        from . import e\n"
    ),
}


def test_checker_finds_a_cycle_through_from_and_plain_imports():
    assert cycles(all_imports(FAKE)) == [["app.a", "app.b", "app.c"]]


def test_checker_ignores_type_checking_imports_for_cycles_but_still_sees_them():
    imports = all_imports(FAKE)
    assert Import("app.d", "app.e", 3, "", True) in imports
    assert ["app.d", "app.e"] not in cycles(imports)


def test_checker_finds_imports_inside_functions_and_methods_with_relative_names():
    imports = [item for item in all_imports(FAKE) if item.source == "app.f"]
    assert [(item.target, item.function) for item in imports] == [("app.a", "load"), ("app.e", "Config.ready")]


@pytest.mark.parametrize(
    ("source", "target", "broken"),
    [
        ("indicators.entry.views", "consultations.feeds", True),
        ("setagaya_plan.core.models.years", "indicators.models", True),
        ("measures.models", "setagaya_plan.core.fiscal_years", True),
        ("setagaya_plan.lib.numerals", "measures.models", True),
        ("consultations.feeds", "indicators.entry.proposals", False),
        ("measures.views", "setagaya_plan.core.fiscal_years", False),
        ("setagaya_plan.core.fiscal_years", "measures.models", False),
    ],
)
def test_checker_knows_which_way_imports_may_go(source, target, broken):
    assert bool(layering_violations([Import(source, target, 1)])) is broken
