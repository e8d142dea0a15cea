"""The import contract of the code's layers (docs/layout.md): actions → replies → services →
store → models, nothing lower importing anything higher, and no import circle."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

from bot.settings import PROJECT_ROOT

PACKAGES = ("bot", "actions")
# The entry points, adapters and the composition root: only they (and actions) may import the
# Rasa-facing parts, and nothing lower may import them.
TOP = (
    "actions",
    "bot.bootstrap",
    "bot.channels",
    "bot.console",
    "bot.rasa_runtime",
    "bot.runner",
    "bot.cli",
    "bot.__main__",
    "bot.bench_load",
    "bot.metrics.cli",
    "bot.outreach.cli",
    "bot.outreach.__main__",
    "bot.metrics.__main__",
    "bot.rasa_server",
    "bot.action_server",
    "bot.replicas",
    "bot.trainer.cli",
    "bot.benchmark",
    "bot.evaluation",
)
LOWER = (
    "bot.models",
    "bot.store",
    "bot.catalogue_cache",
    "bot.services",
    "bot.replies",
    "bot.metrics.fold",
    "bot.outreach.consent",
    "bot.outreach.ratings",
    "bot.outreach.answers",
    "bot.outreach.records",
    "bot.trainer.records",
    "bot.handoff",
    "bot.photos",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(path: Path, top_level_only: bool) -> Set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: Set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n for n in names if n.split(".")[0] in PACKAGES}
    return found


def graph(top_level_only: bool) -> Dict[str, Set[str]]:
    files = [p for package in PACKAGES for p in (PROJECT_ROOT / package).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    return {
        name: {m for m in project_imports(path, top_level_only) if m in modules and m != name} for name, path in modules.items()
    }


def within(module: str, prefixes: tuple) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = [
        f"{module} imports {imported}"
        for module, imports in graph(top_level_only=False).items()
        if within(module, LOWER)
        for imported in imports
        if within(imported, TOP)
    ]
    assert wrong == []


def test_models_and_store_stand_alone() -> None:
    imports = graph(top_level_only=False)
    models = [name for name in imports if within(name, ("bot.models",))]
    assert len(models) > 1
    assert [f"{m} imports {i}" for m in models for i in imports[m] if not within(i, ("bot.models",))] == []
    assert {i for i in imports["bot.store"] if not within(i, ("bot.models", "bot.catalogue_cache"))} == set()


def test_nothing_in_bot_imports_the_actions() -> None:
    wrong = [
        f"{m} imports {i}"
        for m, imports in graph(False).items()
        if m.startswith("bot")
        for i in imports
        if i.startswith("actions")
    ]
    assert wrong == []


def test_there_is_no_import_circle() -> None:
    imports = graph(top_level_only=True)
    circles: List[List[str]] = []

    def visit(module: str, path: List[str], done: Set[str]) -> None:
        if module in path:
            circles.append(path[path.index(module) :] + [module])
            return
        if module in done:
            return
        for imported in sorted(imports.get(module, ())):
            visit(imported, path + [module], done)
        done.add(module)

    done: Set[str] = set()
    for module in sorted(imports):
        visit(module, [], done)
    assert circles == []


def test_replies_build_text_from_models_and_service_outcomes_only() -> None:
    """bot/replies/ reads no store, no handoff queue, no channel; and no service builds text."""
    imports = graph(top_level_only=False)
    allowed = ("bot.models", "bot.services", "bot.replies")
    wrong = [
        f"{m} imports {i}" for m, found in imports.items() if within(m, ("bot.replies",)) for i in found if not within(i, allowed)
    ]
    wrong += [
        f"{m} imports {i}"
        for m, found in imports.items()
        if within(m, ("bot.services",))
        for i in found
        if within(i, ("bot.replies",))
    ]
    assert wrong == []


def test_each_capability_of_the_actions_has_its_replies() -> None:
    """A capability reads the same in actions/ and bot/replies/ (base.py is plumbing, and so is
    words_first.py, the checks run around every action; follow_up.py hands a bare fact to another
    capability's action and says chat's line when there is none; snapshot.py reads what every
    action run needs)."""
    plumbing = {"__init__", "base", "words_first", "follow_up", "snapshot"}
    actions = {p.stem for p in (PROJECT_ROOT / "actions").glob("*.py")} - plumbing
    replies = {p.stem for p in (PROJECT_ROOT / "bot" / "replies").glob("*.py")}
    assert actions <= replies
