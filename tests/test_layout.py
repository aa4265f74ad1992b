"""Layout: the packages of `mockserver` import one another in one direction only, and each imports alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Each part and the parts it may import (besides itself). Shared ground first, then the layers.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "asgi": {"errors"},
    "serde": {"errors"},
    "store": {"errors", "serde"},
    "control": {"errors", "asgi", "serde", "store"},
    "api": {"errors", "asgi", "serde", "store", "control"},
    "serve": {"errors", "asgi", "serde", "store", "control", "api"},
    "intercept": {"asgi", "store", "control", "api"},
    "pytest": {"errors", "asgi", "serde", "store", "control", "api", "contracts", "intercept"},
    "pytest_plugin": {"pytest"},
    "__main__": {"serve"},
    "mockserver": {"intercept"},
    "contracts": {"api"},
}
PACKAGES = ["api", "store", "control", "serve", "pytest", "serde", "intercept"]


def _module(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _imports() -> dict[str, set[str]]:
    """Every module of mockserver and contracts -> the project modules it imports (lazy ones too)."""
    found: dict[str, set[str]] = {}
    for path in sorted([*ROOT.joinpath("mockserver").rglob("*.py"), *ROOT.joinpath("contracts").rglob("*.py")]):
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            targets.update(n for n in names if n.split(".")[0] in ("mockserver", "contracts"))
        found[_module(path)] = targets
    return found


def _part(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "contracts":
        return "contracts"
    return parts[1] if len(parts) > 1 else "mockserver"


def test_parts_import_in_one_direction() -> None:
    wrong = []
    for module, targets in _imports().items():
        source = _part(module)
        for target in targets:
            dest = _part(target)
            if dest not in (source, "mockserver") and dest not in ALLOWED[source]:
                wrong.append(f"{module} imports {target} ({source} -> {dest})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_module_import_cycles() -> None:
    graph = _imports()
    modules = set(graph)
    edges = {m: {t for t in targets if t in modules and t != m} for m, targets in graph.items()}
    # `from pkg import name` also names pkg.name; keep only targets that are modules
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1 and not node.startswith(nxt + "."):  # a package's own __init__ re-export is fine
                cycles.append([*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_alone(package: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import mockserver.{package}"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("package", ["mockserver", *(f"mockserver.{p}" for p in PACKAGES)])
def test_each_package_names_its_part(package: str) -> None:
    init = ROOT.joinpath(*package.split("."), "__init__.py")
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert docstring and ":" in docstring.splitlines()[0], f"{init} needs a one-line docstring naming its part"


def test_the_server_starts_without_its_heavy_engines() -> None:
    """`mockserver serve` builds its app without numpy, RE2, regex, sqlite3 or yaml (start-up time
    and idle memory are benchmark targets); they load with the first request that needs them."""
    code = (
        "import sys\n"
        "from mockserver.serve.standalone import Options, build\n"
        "build(Options())\n"
        "heavy = {'numpy', 're2', 'regex', 'sqlite3', 'yaml', 'schemathesis', 'chromadb'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"imported at start: {done.stdout.strip()}"
