"""Every word a person reads goes through gettext, and the template the translators work from is current.

Two scans find text that was never marked: visible text in Jinja templates outside `_()`/`{% trans %}`, and
string literals handed straight to flash(), abort() or the errors use cases raise. Extracting and comparing with
messages.pot then proves every marked string reached the translators."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

from tests.i18n.catalogs import ROOT, TEMPLATE, extracted, ids, read

MARK = "\x00"
#: attributes a person reads (or hears from a screen reader)
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
WORDS = re.compile(r"[A-Za-z]{2,}")
#: templates whose words are not ours: the vendored Swagger UI page
NOT_OURS = {"swagger_ui.html"}


def _flattened(source: str) -> str:
    """The template with every expression a MARK and every tag a space, and translated blocks dropped."""
    lexer, out, in_trans, first_name = Environment(extensions=["jinja2.ext.i18n"]), [], 0, None
    for _lineno, kind, value in lexer.lex(source):
        if kind == "data":
            out.append(MARK if in_trans else value)
        elif kind == "block_begin":
            first_name = None
        elif kind == "name" and first_name is None:
            first_name = value
            in_trans += {"trans": 1, "endtrans": -1}.get(value, 0)
        elif kind == "block_end":
            first_name = ""
            out.append(" ")
        elif kind == "variable_end":
            out.append(MARK)
    return re.sub(f"<(/?){MARK}", r"<\1tag", "".join(out))  # a tag named by an expression: <{{ heading }}>


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
        values = dict(attrs)
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRIBUTES or (name == "value" and tag == "input"
                                                         and values.get("type") in ("submit", "button"))):
                self._check(value, f"{tag}@{name}")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self._check(data, "text")

    def _check(self, text: str, where: str):
        words = " ".join(text.replace(MARK, " ").split())
        if WORDS.search(words):
            self.found.append(f"{where}: {words[:80]}")


def unmarked_in_template(path: Path) -> list[str]:
    flat = _flattened(path.read_text())
    if path.suffix == ".txt":  # plain-text mail: every stretch of words between expressions
        return [f"text: {' '.join(t.split())[:80]}" for t in flat.split(MARK) if WORDS.search(t)]
    parser = _VisibleText()
    parser.feed(flat)
    return parser.found


def test_templates_mark_every_visible_word():
    found = [f"{path.relative_to(ROOT)}: {what}" for path in sorted((ROOT / "templates").rglob("*"))
             if path.suffix in (".html", ".txt") and path.name not in NOT_OURS
             for what in unmarked_in_template(path)]
    assert not found, "text outside _() or {% trans %}:\n" + "\n".join(found)


def test_the_template_scan_finds_unmarked_text():
    """The scan itself can fail: plain words, a submit button's value and an aria-label are all caught."""
    source = ('<p>{{ _("Marked") }}</p><p>Plain words</p><input type="submit" value="Send">'
              '<nav aria-label="Main">{% trans %}Fine too{% endtrans %}</nav><a href="{{ url }}">{{ name }}</a>')
    parser = _VisibleText()
    parser.feed(_flattened(source))
    assert parser.found == ["text: Plain words", "input@value: Send", "nav@aria-label: Main"]


#: calls whose text argument a person reads: page messages, API aborts and the errors use cases raise
READ_BY_PEOPLE = {"flash", "Invalid", "NotFound", "Forbidden", "Conflict", "TooManyAttempts", "DomainError",
                  "ValidationError", "RuleBroken"}
MESSAGE_KEYWORDS = {"message", "detail", "title"}


def _is_text(node: ast.AST) -> bool:
    """A literal with words in it (also an f-string, a concatenation or a .format() of one)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_text(node.func.value)
    return False


def unmarked_in_python(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        texts = []
        if name in READ_BY_PEOPLE and node.args:
            texts.append(node.args[0])
        if name == "abort" and len(node.args) > 1:
            texts.append(node.args[1])
        if name in READ_BY_PEOPLE | {"abort"}:
            texts += [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
        found += [(text.lineno, ast.unparse(text)[:80]) for text in texts if _is_text(text)]
    return found


def test_python_marks_every_message_a_person_reads():
    found = [f"{path.relative_to(ROOT)}:{line}: {text}"
             for path in sorted((ROOT / "campaigns").rglob("*.py")) if "migrations" not in path.parts
             for line, text in unmarked_in_python(path.read_text())]
    assert not found, "text not passed through _() / N_():\n" + "\n".join(found)


def test_the_python_scan_finds_unmarked_text():
    source = ('flash("Saved.")\nflash(_("Saved."))\nraise Invalid(f"Keep it under {n}.", field="x")\n'
              'abort(404, message="Gone")\nabort(400, message=_("Fine"))\nraise NotFound()\n')
    assert [line for line, _text in unmarked_in_python(source)] == [1, 3, 4]


def test_messages_pot_holds_exactly_what_the_code_marks():
    """Run the README's `pybabel extract` after changing any text; translators work from this file."""
    current, committed = extracted(), ids(read(TEMPLATE))
    assert not current - committed, f"marked but missing from messages.pot: {sorted(map(str, current - committed))}"
    assert not committed - current, f"in messages.pot but no longer used: {sorted(map(str, committed - current))}"
