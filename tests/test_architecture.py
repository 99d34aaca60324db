"""The shape of the code, tested: no import cycle anywhere in campaigns/, and the nudges package is reached only
through its face (campaigns/nudges/__init__.py) from outside it.

The import graph is built with the standard library's ast: every import counts, also one inside a function (a
lazy import hides a cycle, it does not remove it); only imports under `if TYPE_CHECKING:` are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "campaigns"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "versions" not in p.relative_to(PACKAGE).parts}


def _runtime_nodes(tree: ast.AST):
    """Every node but those under `if TYPE_CHECKING:` (imports for annotations only)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(source: str, known: set[str]) -> set[str]:
    """The campaigns modules a module imports (`from pkg import mod` names the module, not the package)."""
    found = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {name for name in found if name in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path.read_text(), set(known)) - {name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_imports_and_modules_named_in_from_imports():
    known = {"campaigns.services", "campaigns.services.audit", "campaigns.nudges"}
    source = "from campaigns.services import audit\ndef f():\n    from campaigns import nudges\n"
    assert imports_of(source, known) == {"campaigns.services.audit", "campaigns.nudges"}


#: the cycles still there, each to be broken by the work that owns it; the list only shrinks (a test fails when one
#: is gone and still listed, and on any other cycle, or one of these growing)
KNOWN_CYCLES = [
    # the `scheduler` command builds the scheduler's app when run as a flask plugin; fuzz leaves (issue 17 item 4)
    {"campaigns", "campaigns.cli", "campaigns.fuzz"},
    # a text's send and its provider (the SMS work in progress)
    {"campaigns.nudges.channels.sms", "campaigns.services.sms"},
]


def test_no_import_cycle_in_campaigns():
    found = [set(c) for c in cycles(graph())]
    new = [c for c in found if c not in KNOWN_CYCLES]
    assert not new, "import cycles:\n" + "\n".join(" ↔ ".join(sorted(c)) for c in new)
    assert not [c for c in KNOWN_CYCLES if c not in found], "a known cycle is gone: take it off KNOWN_CYCLES"


# -- the nudges package's face -------------------------------------------------------------------------------------
NUDGES = "campaigns.nudges"
#: may import anything inside: the composition root, and the nudges feature's own pages, API and schemas
INSIDERS = {"campaigns.bootstrap", "campaigns.web.nudges", "campaigns.web.reminders", "campaigns.api.nudges",
            "campaigns.schemas.nudges"}
#: features that still reach inside; the list only shrinks (planning moves into handlers, issue 17 item 3; the SMS
#: feature's provider and texts)
KNOWN_REACHING_IN = {
    "campaigns.services.attendance": {"campaigns.nudges.outbox"},
    "campaigns.services.outcomes": {"campaigns.nudges.outbox"},
    "campaigns.services.reflections": {"campaigns.nudges.outbox"},
    "campaigns.services.webhooks": {"campaigns.nudges.outbox", "campaigns.nudges.channels.webhook"},
    "campaigns.services.guest_admin": {"campaigns.nudges.planning.guests"},
    "campaigns.services.sms": {"campaigns.nudges.channels", "campaigns.nudges.channels.sms",
                               "campaigns.nudges.messages", "campaigns.nudges.outbox",
                               "campaigns.nudges.planning.audiences"},
    "campaigns.services.sms_replies": {"campaigns.nudges.channels", "campaigns.nudges.channels.sms",
                                       "campaigns.nudges.planning.audiences"},
    "campaigns.services.mobile": {"campaigns.nudges.channels", "campaigns.nudges.channels.sms"},
    "campaigns.web.meta": {"campaigns.nudges.channels.email", "campaigns.nudges.channels.sms"},
}


def public_modules() -> set[str]:
    from campaigns import nudges

    return {NUDGES} | {f"{NUDGES}.{name}" for name in nudges.PUBLIC_MODULES}


def reaching_in(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    public = public_modules()
    found = {}
    for module, imported in edges.items():
        if module == NUDGES or module.startswith(NUDGES + ".") or module in INSIDERS:
            continue
        inside = {name for name in imported if name.startswith(NUDGES + ".") and name not in public}
        if inside:
            found[module] = inside
    return found


def test_other_features_reach_nudges_only_through_its_face():
    found = reaching_in(graph())
    new = {m: sorted(inside - KNOWN_REACHING_IN.get(m, set())) for m, inside in found.items()
           if inside - KNOWN_REACHING_IN.get(m, set())}
    assert not new, f"import campaigns.nudges (its face) or one of its PUBLIC_MODULES instead: {new}"
    gone = {m: sorted(inside - found.get(m, set())) for m, inside in KNOWN_REACHING_IN.items()
            if inside - found.get(m, set())}
    assert not gone, f"no longer reaching in: take it off KNOWN_REACHING_IN: {gone}"


def test_the_dispatcher_and_the_use_cases_import_no_channel():
    edges = graph()
    # the package itself holds only Undeliverable, the refusal a channel raises, which the dispatcher catches
    channels = {name for name in edges if name.startswith(f"{NUDGES}.channels.")}
    users = {m for m, imported in edges.items() if imported & channels and not m.startswith(f"{NUDGES}.channels")}
    assert f"{NUDGES}.dispatch.dispatcher" not in users
    assert not {m for m in users if m.startswith("campaigns.services.")} - set(KNOWN_REACHING_IN)
