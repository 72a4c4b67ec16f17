"""The architecture of docs/architecture.md, checked: dependencies run one way and no module imports in a circle.

Every import counts, those inside functions too: an import hidden in a
function is a dependency all the same. The composition root (settings, the
root URLconfs, Celery, WSGI/ASGI) is the one place allowed to know every app.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("conference", "registration", "badges", "organiser")

# Lower layers never import higher ones. conference.plumbing is the bottom.
LAYERS = {"conference.plumbing": 0, "conference": 1, "registration": 2, "badges": 3, "organiser": 4}
COMPOSITION_ROOT = {
    "conference.settings",
    "conference.urls",
    "conference.api_urls",
    "conference.celery",
    "conference.wsgi",
    "conference.asgi",
}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def imports_of(name, path, known):
    """The project modules ``name`` imports anywhere in its body (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # "from x import y" imports the module x.y when there is one, else x.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph():
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def layer(module):
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return LAYERS[prefix]
    raise AssertionError(module)


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_dependencies_run_one_way():
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        if module not in COMPOSITION_ROOT
        for target in sorted(targets)
        if target not in COMPOSITION_ROOT and layer(target) > layer(module)
    ]
    assert not wrong, "Imports against the layers (plumbing → conference → registration → badges → organiser):\n" + (
        "\n".join(wrong)
    )


def test_no_module_imports_in_a_circle():
    edges = {
        module: targets - COMPOSITION_ROOT for module, targets in graph().items() if module not in COMPOSITION_ROOT
    }
    assert cycles(edges) == []


def test_the_checks_see_function_level_imports_and_catch_a_circle(tmp_path):
    # The control: a circle closed only inside a function is found.
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from a import x\n")
    known = {"a", "b"}
    edges = {
        "a": imports_of("a", tmp_path / "a.py", known),
        "b": imports_of("b", tmp_path / "b.py", known),
    }
    assert edges == {"a": {"b"}, "b": {"a"}}
    assert cycles(edges) == [["a", "b"]]
    assert layer("conference.plumbing.roles") < layer("conference.models") < layer("badges.checkin.services")
