"""The 7.x type stubs (``.pyi`` next to every generated client module) against the modules
they stand for: a stub replaces its module for type checkers, so it must declare every
public name, every method, and every keyword the ``query_params`` decorator accepts.

Read from the committed package files (ast), so the runtime modules are not imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codegen import legacy_style
from codegen.model import Endpoint
from codegen.profiles import profile

PACKAGE = Path(__file__).resolve().parents[3] / "packages" / "elasticsearch7" / "src" / "elasticsearch7"
FOLDERS = ("client", "_async/client")
NOT_GENERATED = {"utils.py", "_base.py"}
MODULES = sorted(
    path.relative_to(PACKAGE).as_posix()
    for folder in FOLDERS
    for path in (PACKAGE / folder).glob("*.py")
    if path.name not in NOT_GENERATED
)
# What the decorator takes besides the endpoint's own query parameters.
DECORATOR_KEYWORDS = {name for name, _ in legacy_style.STUB_GLOBALS}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _public_names(tree: ast.Module) -> set[str]:
    """Module-level names a user can import: ``__all__``, then public assignments, classes,
    functions and imports."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__all__" and node.value is not None:
                    names.update(ast.literal_eval(node.value))
                elif isinstance(target, ast.Name):
                    names.add(target.id)
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return {name for name in names if not name.startswith("_") and name != "t"}


def _methods(tree: ast.Module) -> dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    return {
        node.name: {
            item.name: item for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


def _decorator_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The query parameters and body keywords a ``@query_params(...)`` method accepts."""
    names: set[str] = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "query_params":
            names.update(ast.literal_eval(arg) for arg in decorator.args)
            for keyword in decorator.keywords:
                if keyword.arg == "body_params":
                    names.update(ast.literal_eval(keyword.value))
                elif keyword.arg == "body_name":
                    names.add(ast.literal_eval(keyword.value))
    return names


def test_every_generated_module_has_a_stub() -> None:
    assert len(MODULES) > 60
    missing = [name for name in MODULES if not (PACKAGE / name).with_suffix(".pyi").is_file()]
    assert not missing
    assert (PACKAGE / "py.typed").is_file()


@pytest.mark.parametrize("module", MODULES)
def test_stub_declares_what_the_module_has(module: str) -> None:
    runtime, stub = _tree(PACKAGE / module), _tree((PACKAGE / module).with_suffix(".pyi"))
    # the namespace classes the runtime module loads on first use count as its names
    assert _public_names(runtime) - {"NamespacedClient", "SKIP_IN_PATH", "query_params"} <= _public_names(
        stub
    )
    is_async = module.startswith("_async/")
    runtime_classes = {name: methods for name, methods in _methods(runtime).items() if name[:1] != "_"}
    stub_classes = _methods(stub)
    assert set(runtime_classes) == set(stub_classes)
    for class_name, methods in runtime_classes.items():
        stubs = stub_classes[class_name]
        for name, function in methods.items():
            if name.startswith("_"):
                continue
            assert name in stubs, f"{class_name}.{name} has no stub"
            signature = stubs[name]
            assert isinstance(signature, ast.AsyncFunctionDef) == is_async, f"{class_name}.{name}"
            # the arguments a call must give stay positional, in the runtime order
            args = function.args
            required = [a.arg for a in args.args[1 : len(args.args) - len(args.defaults)]]
            stub_positional = [a.arg for a in signature.args.args[1:]]
            assert stub_positional == required, f"{class_name}.{name}"
            stub_names = set(stub_positional) | {a.arg for a in signature.args.kwonlyargs}
            accepted = {a.arg for a in args.args[1:]} | _decorator_names(function) | DECORATOR_KEYWORDS
            assert stub_names == accepted, f"{class_name}.{name}: {sorted(stub_names ^ accepted)}"


def test_stub_types_follow_the_official_choices(endpoints: dict[str, dict[str, Endpoint]]) -> None:
    prof = profile("elasticsearch7")

    def stub(name: str) -> legacy_style.Stub:
        return legacy_style.plan(endpoints["7.17"][name], prof).stub

    search = {a.name: a.hint for a in stub("search").keywords}
    assert search["size"] == "t.Optional[int]"  # a typed endpoint: the spec's types
    assert search["ignore"] == "t.Optional[t.Union[int, t.Collection[int]]]"
    assert search["body"] == "t.Optional[t.Mapping[str, t.Any]]"
    cat = {a.name: a.hint for a in stub("cat.indices").keywords}
    assert cat["bytes"] == "t.Any"  # elsewhere anything, as the official stubs take
    assert cat["format"] == "t.Any"  # the endpoint's own format parameter
    assert cat["v"] == "t.Optional[bool]"  # but booleans
    create = stub("create")
    # document= can stand for the body, which may then be left out
    assert [(a.name, a.default) for a in create.positional] == [
        ("index", False),
        ("id", False),
        ("body", True),
    ]
    assert "document" in {a.name for a in create.keywords}
    assert stub("indices.exists").returns == "bool"
