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
    visitor = _ImportVisitor(source_module, modules)
    visitor.visit(ast.parse(text))
    return visitor.found


class _ImportVisitor(ast.NodeVisitor):
    """Walks a module, remembering the function an import is in and whether it is under `if TYPE_CHECKING`."""

    def __init__(self, source_module: str, modules: set[str]):
        self.source_module = source_module
        self.modules = modules
        self.is_package = any(m.startswith(source_module + ".") for m in modules)
        self.found: list[Import] = []
        self.function = ""  # the qualified name of the function being walked, "" at module and class level
        self.scope = ""  # the qualified name of the class or function being walked
        self.type_checking = False

    def _add(self, target: str | None, node: ast.stmt) -> None:
        if target:
            self.found.append(Import(self.source_module, target, node.lineno, self.function, self.type_checking))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(_resolve(alias.name, self.modules), node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.source_module if self.is_package else self.source_module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        for alias in node.names:
            self._add(_resolve(f"{base}.{alias.name}", self.modules) or _resolve(base, self.modules), node)

    def _walk_body(self, body: list[ast.stmt], *, function: str, scope: str, type_checking: bool) -> None:
        saved = (self.function, self.scope, self.type_checking)
        self.function, self.scope, self.type_checking = function, scope, type_checking
        for child in body:
            self.visit(child)
        self.function, self.scope, self.type_checking = saved

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        qualified = f"{self.scope}.{node.name}" if self.scope else node.name
        self._walk_body(node.body, function=qualified, scope=qualified, type_checking=self.type_checking)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        qualified = f"{self.scope}.{node.name}" if self.scope else node.name
        self._walk_body(node.body, function=self.function, scope=qualified, type_checking=self.type_checking)

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        self._walk_body(node.body, function=self.function, scope=self.scope, type_checking=True)
        self._walk_body(node.orelse, function=self.function, scope=self.scope, type_checking=self.type_checking)


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
    tarjan = _Tarjan(graph)
    for node in sorted(graph):
        if node not in tarjan.index:
            tarjan.connect(node)
    return tarjan.groups


class _Tarjan:
    """Tarjan's strongly connected components; `groups` keeps those that are cycles."""

    def __init__(self, graph: dict[str, set[str]]):
        self.graph = graph
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.groups: list[list[str]] = []

    def connect(self, node: str) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        for target in sorted(self.graph[node]):
            if target not in self.index:
                self.connect(target)
                self.low[node] = min(self.low[node], self.low[target])
            elif target in self.on_stack:
                self.low[node] = min(self.low[node], self.index[target])
        if self.low[node] == self.index[node]:
            self._close(node)

    def _close(self, node: str) -> None:
        group = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            group.append(member)
            if member == node:
                break
        if len(group) > 1 or node in self.graph[node]:
            self.groups.append(sorted(group))


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
