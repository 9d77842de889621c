"""The package's shape: no import circle among its modules, every error class in helpers.errors, and the
README's picture of the package names exactly the modules and packages there are."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "helpers"
README = SRC.parent / "README.md"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_main_block(node: ast.AST) -> bool:
    """``if __name__ == "__main__":``: what runs when the module is a command, not when it is imported."""
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports anywhere (functions included), but in its __main__ block."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if _is_main_block(node):
            continue
        pending.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(target for target in targets if target in MODULES and target != name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _circle_through(start: str) -> list[str] | None:
    """A chain of imports from ``start`` back to itself, or None."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, chain = stack.pop()
        for target in sorted(GRAPH[node]):
            if target == start:
                return [*chain, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*chain, target]))
    return None


def test_the_graph_sees_the_imports_it_should():
    # a module imported at the top, one imported inside a function, and a relative import all count
    assert "helpers.errors" in GRAPH["helpers.cli"]
    assert GRAPH["helpers"] >= {"helpers._quiet"}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_circle(name):
    circle = _circle_through(name)
    assert circle is None, "import circle: " + " -> ".join(circle)


def _exception_classes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = [ast.unparse(base) for base in node.bases]
            if any(re.search(r"(Error|Exception|Exit|Interrupt)$", base) for base in bases):
                names.append(node.name)
    return names


def test_every_error_class_is_in_errors_py():
    elsewhere = {name: classes for name, path in MODULES.items() if name != "helpers.errors"
                 for classes in [_exception_classes(path)] if classes}
    assert not elsewhere, f"error classes outside helpers/errors.py: {elsewhere}"
    assert "TutorialError" in _exception_classes(PACKAGE / "errors.py")


def _readme_picture() -> set[str]:
    """The entries of the README's package tree: ``helpers/x.py`` and ``helpers/x/`` lines in its code block."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## The package\n.*?```text\n(.*?)```", text, re.S)
    assert block, "README.md has no '## The package' section with a ```text tree"
    entries, folders = set(), []
    for line in block.group(1).splitlines():
        match = re.match(r"^(?P<indent>[ │├└─]*)(?P<name>[\w.]+/?)", line)
        if not match:
            continue
        depth = len(match.group("indent")) // 4
        folders = folders[:depth]
        name = match.group("name")
        path = "/".join([*folders, name.rstrip("/")])
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
            entries.add(path + "/")
        elif name.endswith(".py") and name not in ("__init__.py", "__main__.py"):
            entries.add(path)
    return entries


def _package_entries() -> set[str]:
    entries = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(SRC)
        if path.name == "__init__.py":
            entries.add(relative.parent.as_posix() + "/")
        elif path.name != "__main__.py":
            entries.add(relative.as_posix())
    return entries


def test_readme_pictures_the_package_as_it_is():
    pictured, there = _readme_picture(), _package_entries()
    assert pictured == there, (f"README's package picture lacks {sorted(there - pictured)} "
                               f"and names {sorted(pictured - there)}, which are not there")
