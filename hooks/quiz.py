""""Check yourself": questions an author writes as data, answered from tested code, checked in the browser.

A page ``<name>.md`` keeps its questions beside it in ``<name>.questions.yml`` and shows them
where it calls ``{{ check_yourself() }}`` (``hooks/macros.py``), usually last::

    questions:
      - id: loss-floor                  # unique on the page: lowercase, digits, dashes
        given: {K: 10, alpha: 0.1}      # the inputs, typed once; texts quote them as {{ K }}
        prompt: With {{ K }} classes and \\(\\alpha = {{ alpha }}\\), what is the loss floor in nats?
        answer:                         # a numeric question: a call into snippets/
          call: label_smoothing.loss_floor
          args: {num_classes: $K, alpha: $alpha}
        decimals: 3                     # the answer is shown to 3 decimals; within ±0.001 counts
        explanation: The floor is the target's entropy, {{ answer }}.
        learn: math.md#the-loss-floor   # the section that teaches it (checked like any link)

      - id: plateau
        prompt: Why does the smoothed loss level off?
        choices:                        # a choice question: one or more correct
          - text: The learning rate is too small.
            why: A plateau at the floor is the optimum, not a failure.
          - text: The target has entropy, and cross-entropy cannot go below it.
            correct: true
            why: H(y, p) = H(y) + KL(y || p) and KL is never negative.
        explanation: ...
        learn: math.md#the-loss-floor

No number is typed that code can compute. ``given`` holds a question's inputs; ``computed``
(name: call) and ``answer`` are evaluated at build time, and every text (prompt, choices, why,
explanation) quotes them as ``{{ name }}`` or ``{{ name:.2f }}`` (a format spec);
``{{ answer }}`` is the answer at its ``decimals``. A call is ``{call: <module>.<function>, args: {...}, item: [i, ...]}``: a public
function of a ``snippets/`` module, arguments (a mapping, or a list for positional ones) that are numbers, strings, lists,
``$name`` (a given or earlier computed value) or another call, and ``item`` to index the
result. Nothing else runs. A decimal number typed in a text fails the build, as does any
malformed question, naming the page, the question and the field.

The page gets plain HTML: each question, its options, and its answer and explanation behind a
``<details>`` fold, readable without JavaScript. ``docs/assets/javascripts/quiz.js`` (loaded on
such pages only: ``hooks/page_assets.py``) adds checking, feedback in a polite live region and
progress kept in the browser's localStorage, keyed by a hash of each question so that editing a
question forgets old answers to it (as mdbook-quiz does).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

QUESTIONS_SUFFIX = ".questions.yml"
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)(?::([^{}]*?))?\s*\}\}")  # {{ name }}, {{ name:.3f }}
# 0.5 typed in a text (placeholders removed first); a version such as 0.12.3 is not a number
TYPED_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?!\d|\.\d)")
QUESTION_FIELDS = {"id", "given", "computed", "prompt", "answer", "decimals", "tolerance", "unit",
                   "choices", "explanation", "learn"}
CHOICE_FIELDS = {"text", "correct", "why"}
MAX_DECIMALS = 6


class QuestionError(ValueError):
    """A question file, question or field is malformed. The message names the page, question and field."""


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    explanation: str
    learn: str
    answer: float | None = None  # numeric questions
    decimals: int = 0
    tolerance: float = 0.0
    unit: str = ""
    choices: tuple[Choice, ...] = ()  # choice questions

    @property
    def kind(self) -> str:
        return "numeric" if self.answer is not None else "choice"

    @property
    def shown_answer(self) -> str:
        return f"{self.answer:,.{self.decimals}f}" + (f" {self.unit}" if self.unit else "")

    def fingerprint(self) -> str:
        """Changes whenever what the reader sees or the answer changes: stored answers are then dropped."""
        data = json.dumps([self.prompt, self.answer, self.tolerance, [c.text for c in self.choices],
                           [c.correct for c in self.choices]], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def questions_file(page_path: Path) -> Path:
    """``docs/x/math.md`` -> ``docs/x/math.questions.yml``."""
    return page_path.with_name(page_path.stem + QUESTIONS_SUFFIX)


# ------------------------------------------------------------------ evaluation


class _Evaluator:
    """Evaluates the restricted call form of a question against ``snippets`` modules."""

    def __init__(self, modules: Any, fail: Callable[[str, str], QuestionError]) -> None:
        self._modules, self._fail = modules, fail

    def function(self, name: Any, field: str) -> Callable:
        if not isinstance(name, str) or name.count(".") != 1:
            raise self._fail(field, f"must be '<module>.<function>' of a snippets/ module, got {name!r}")
        module_name, function_name = name.split(".")
        if not (NAME.match(module_name) and NAME.match(function_name)) or function_name.startswith("_"):
            raise self._fail(field, f"must name a public function of a snippets/ module, got {name!r}")
        try:
            module = getattr(self._modules, module_name)
        except ValueError as error:
            raise self._fail(field, str(error)) from None
        function = getattr(module, function_name, None)
        if not isinstance(function, types.FunctionType) or function.__module__ != module.__name__:
            raise self._fail(field, f"{module.__name__} defines no public function {function_name!r}")
        return function

    def value(self, spec: Any, scope: Mapping[str, Any], field: str) -> Any:
        if isinstance(spec, Mapping):
            return self.call(spec, scope, field)
        if isinstance(spec, str) and spec.startswith("$"):
            if spec[1:] not in scope:
                raise self._fail(field, f"{spec} is not a given or earlier computed value (known: {', '.join(scope) or 'none'})")
            return scope[spec[1:]]
        if isinstance(spec, list):
            return [self.value(item, scope, f"{field}[{i}]") for i, item in enumerate(spec)]
        if isinstance(spec, (bool, int, float, str)) or spec is None:
            return spec
        raise self._fail(field, f"must be a number, string, list, $name or call, got {spec!r}")

    def call(self, spec: Mapping, scope: Mapping[str, Any], field: str) -> Any:
        unknown = set(spec) - {"call", "args", "item"}
        if "call" not in spec or unknown:
            raise self._fail(field, f"a call has 'call', optional 'args' and 'item', got keys {sorted(spec)}")
        function = self.function(spec["call"], f"{field}.call")
        args = spec.get("args", {})
        if isinstance(args, list):  # positional, for functions such as effective_alpha(*alphas)
            positional, kwargs = self.value(args, scope, f"{field}.args"), {}
        elif isinstance(args, Mapping):
            positional, kwargs = [], {name: self.value(v, scope, f"{field}.args.{name}") for name, v in args.items()}
        else:
            raise self._fail(f"{field}.args", f"must be a list of values or map argument names to values, got {args!r}")
        try:
            result = function(*positional, **kwargs)
        except (TypeError, ValueError) as error:
            raise self._fail(field, f"{spec['call']}(...) failed: {error}") from None
        for i, position in enumerate(spec.get("item", [])):
            position = self.value(position, scope, f"{field}.item[{i}]")
            try:
                result = result[position]
            except (IndexError, KeyError, TypeError) as error:
                raise self._fail(f"{field}.item", f"cannot index the result of {spec['call']} with {position!r}: {error}") from None
        return result


def _number(value: Any, fail: Callable[[str, str], QuestionError], field: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise fail(field, f"must evaluate to a number, got {value!r}") from None
    if not math.isfinite(number):
        raise fail(field, f"must evaluate to a finite number, got {number}")
    return number


def _fill(text: Any, values: Mapping[str, Any], fail: Callable[[str, str], QuestionError], field: str) -> str:
    """``text`` with each ``{{ name }}`` or ``{{ name:spec }}`` replaced by a given or computed value."""
    if not isinstance(text, str) or not text.strip():
        raise fail(field, f"must be non-empty text, got {text!r}")
    typed = TYPED_DECIMAL.search(PLACEHOLDER.sub(" ", text))
    if typed:
        raise fail(field, f"types the number {typed.group()}: compute it (given/computed) and quote it as {{{{ name }}}}")

    def value(match: re.Match) -> str:
        name, spec = match.group(1), match.group(2) or ""
        if name not in values:
            raise fail(field, f"{{{{ {name} }}}} is not a given or computed value (known: {', '.join(values)})")
        try:
            return format(values[name], spec)
        except (TypeError, ValueError) as error:
            raise fail(field, f"cannot format {{{{ {name}:{spec} }}}}: {error}") from None

    return PLACEHOLDER.sub(value, text)


def _plain(value: Any) -> Any:
    """NumPy scalars as Python numbers, so that format specs behave as for typed numbers."""
    return value.item() if hasattr(value, "item") and getattr(value, "shape", None) == () else value


def read_question(entry: Any, index: int, modules: Any, page: str) -> Question:
    label = entry.get("id") if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) else f"#{index + 1}"

    def fail(field: str, message: str) -> QuestionError:
        return QuestionError(f"{page}: question {label}: {field}: {message}")

    if not isinstance(entry, Mapping):
        raise fail("(question)", f"must be a mapping of fields, got {entry!r}")
    unknown = set(entry) - QUESTION_FIELDS
    if unknown:
        raise fail(sorted(unknown)[0], f"unknown field; the fields are {', '.join(sorted(QUESTION_FIELDS))}")
    for field in ("id", "prompt", "explanation", "learn"):
        if field not in entry:
            raise fail(field, "is required")
    if not isinstance(entry["id"], str) or not ID.match(entry["id"]):
        raise fail("id", f"must be lowercase letters, digits and dashes, got {entry['id']!r}")
    if ("answer" in entry) == ("choices" in entry):
        raise fail("answer", "a question has either 'answer' (numeric) or 'choices', not both or neither")

    evaluator = _Evaluator(modules, fail)
    values: dict[str, Any] = {}
    for section in ("given", "computed"):
        block = entry.get(section, {})
        if not isinstance(block, Mapping):
            raise fail(section, f"must map names to values, got {block!r}")
        for name, spec in block.items():
            if not isinstance(name, str) or not NAME.match(name) or name == "answer" or name in values:
                raise fail(f"{section}.{name}", "must be a new identifier other than 'answer'")
            if section == "given" and not isinstance(spec, (int, float, str, list)):
                raise fail(f"given.{name}", f"must be a number, string or list typed as is, got {spec!r}")
            value = spec if section == "given" else evaluator.value(spec, values, f"computed.{name}")
            values[name] = _plain(value)

    numeric: dict[str, Any] = {}
    choices: tuple[Choice, ...] = ()
    if "answer" in entry:
        decimals = entry.get("decimals")
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
            raise fail("decimals", f"is required for a numeric answer: an integer from 0 to {MAX_DECIMALS}, got {decimals!r}")
        answer = _number(evaluator.value(entry["answer"], values, "answer"), fail, "answer")
        tolerance = entry.get("tolerance", 10.0 ** -decimals)
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance > 0:
            raise fail("tolerance", f"must be a positive number, got {tolerance!r}")
        unit = entry.get("unit", "")
        if not isinstance(unit, str):
            raise fail("unit", f"must be text, got {unit!r}")
        numeric = dict(answer=answer, decimals=decimals, tolerance=float(tolerance), unit=unit)
        values["answer"] = f"{answer:,.{decimals}f}"
    else:
        raw = entry["choices"]
        if not isinstance(raw, list) or not 2 <= len(raw) <= 6:
            raise fail("choices", f"must be a list of 2 to 6 choices, got {raw!r}")
        parsed = []
        for i, choice in enumerate(raw):
            field = f"choices[{i}]"
            if not isinstance(choice, Mapping) or set(choice) - CHOICE_FIELDS or not {"text", "why"} <= set(choice):
                raise fail(field, f"must have 'text' and 'why', and optionally 'correct: true', got {choice!r}")
            if not isinstance(choice.get("correct", False), bool):
                raise fail(f"{field}.correct", f"must be true or false, got {choice['correct']!r}")
            parsed.append(Choice(_fill(choice["text"], values, fail, f"{field}.text"), choice.get("correct", False),
                                 _fill(choice["why"], values, fail, f"{field}.why")))
        if not any(c.correct for c in parsed):
            raise fail("choices", "no choice is marked 'correct: true'")
        choices = tuple(parsed)

    learn = entry["learn"]
    if not isinstance(learn, str) or not re.match(r"^[^\s:]*(#[\w-]+)?$", learn) or not learn.strip():
        raise fail("learn", f"must be a link to a page of this site, e.g. math.md#section, got {learn!r}")
    return Question(
        id=entry["id"],
        prompt=_fill(entry["prompt"], values, fail, "prompt"),
        explanation=_fill(entry["explanation"], values, fail, "explanation"),
        learn=learn,
        choices=choices,
        **numeric,
    )


def read_questions(path: Path, modules: Any, page: str) -> list[Question]:
    """Every question of ``path`` (a ``*.questions.yml``), evaluated and validated."""
    where = f"{page}: {path.name}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuestionError(f"{page}: calls check_yourself() but {path.name} does not exist beside it") from None
    except yaml.YAMLError as error:
        raise QuestionError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(data, Mapping) or set(data) != {"questions"} or not isinstance(data["questions"], list):
        raise QuestionError(f"{where}: must hold one key, 'questions', with a list of questions")
    if not 1 <= len(data["questions"]):
        raise QuestionError(f"{where}: 'questions' is empty")
    questions = [read_question(entry, i, modules, page) for i, entry in enumerate(data["questions"])]
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise QuestionError(f"{page}: question {question.id}: id: used twice on the page")
        seen.add(question.id)
    return questions


# ------------------------------------------------------------------ markup


def _attributes(**values: Any) -> str:
    """HTML attributes from keywords: ``class_`` is ``class``, ``data_kind`` is ``data-kind``."""
    return " ".join(f'{name.rstrip("_").replace("_", "-")}="{html.escape(str(v), quote=True)}"' for name, v in values.items())


def plain_number(value: float) -> str:
    """``value`` as its author wrote it, without exponent notation: 50.0 -> "50", 1e-05 -> "0.00001",
    1500.0 -> "1,500" (grouped like the shown answers)."""
    return f"{Decimal(repr(value)).normalize():,f}"


def _letter(index: int) -> str:
    return "ABCDEF"[index]


def _question_markdown(question: Question, number: int, total: int) -> str:
    """One question as HTML blocks whose text parts MkDocs renders as Markdown (md_in_html)."""
    qid = f"check-{question.id}"
    data = dict(class_="quiz-question", id=qid, data_question=question.id, data_fingerprint=question.fingerprint(),
                data_kind=question.kind)
    if question.kind == "numeric":
        # data-decimals: quiz.js reads "0,829" as 0.829 where decimals are asked for, "2,048" as 2048 where not
        data.update(data_answer=repr(question.answer), data_tolerance=repr(question.tolerance),
                    data_decimals=question.decimals)
    lines = [
        f"<div {_attributes(**data)} markdown>",
        f'<div class="quiz-prompt" id="{qid}-prompt" markdown>',
        f'<span class="quiz-number">{number} of {total}</span> {question.prompt}',
        "</div>",
        '<form class="quiz-form" markdown>',
    ]
    if question.kind == "numeric":
        tolerance = plain_number(question.tolerance)
        # The hint; a comma is read as quiz.js's parseNumber says: a decimal comma when the
        # question asks for decimals ("0,829"), a thousands separator when not ("2,048").
        lines += [
            '<p class="quiz-entry" hidden>',
            f'<label for="{qid}-value">Your answer{" in " + question.unit if question.unit else ""}</label>',
            f'<input id="{qid}-value" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
            f'aria-describedby="{qid}-tolerance">',
            f'<span class="quiz-tolerance" id="{qid}-tolerance">to {question.decimals} decimals; within ±{tolerance} counts</span>',
            "</p>",
        ]
    else:
        many = sum(c.correct for c in question.choices) > 1
        kind = "checkbox" if many else "radio"
        lines.append(f'<fieldset class="quiz-choices" aria-labelledby="{qid}-prompt {qid}-hint" markdown>')
        lines.append(f'<legend class="quiz-hint" id="{qid}-hint">{"Choose all that apply" if many else "Choose one"}</legend>')
        for i, choice in enumerate(question.choices):
            correct = " data-correct" if choice.correct else ""
            lines += [
                '<div class="quiz-option" markdown>',
                f'<input type="{kind}" id="{qid}-{i}" name="{qid}" value="{i}"{correct}> <label for="{qid}-{i}"><span class="quiz-letter">{_letter(i)}.</span> {choice.text}</label>',
                "</div>",
                f'<div class="quiz-why" data-choice="{i}" hidden markdown>',
                choice.why,
                "</div>",
            ]
        lines.append("</fieldset>")
    lines += [
        '<p class="quiz-actions" hidden><button type="submit" class="md-button quiz-check">Check</button></p>',
        "</form>",
        '<div class="quiz-feedback" role="status" aria-live="polite"></div>',
        '<details class="quiz-answer" markdown>',
        "<summary>Answer and explanation</summary>",
        "",
    ]
    if question.kind == "numeric":
        lines.append(f"**{question.shown_answer}.** {question.explanation}")
    else:
        right = [_letter(i) for i, c in enumerate(question.choices) if c.correct]
        lines.append(f"**{' and '.join(right)}.** {question.explanation}")
        lines.append("")
        for i, choice in enumerate(question.choices):
            lines.append(f"- **{_letter(i)}** ({'right' if choice.correct else 'wrong'}): {choice.why}")
    lines += ["", f"[Where this is taught]({question.learn})", "", "</details>", "</div>", ""]
    return "\n".join(lines)


def quiz_markdown(questions: list[Question], page_key: str) -> str:
    """The "Check yourself" section: a heading, then the questions folded in one ``<details>``."""
    total = len(questions)
    parts = [
        "## Check yourself {: #check-yourself }",
        "",
        f'<details class="quiz" data-quiz="{html.escape(page_key, quote=True)}" markdown>',
        f'<summary>{total} questions, checked on this page; your answers stay in this browser</summary>',
        "",
        '<p class="quiz-progress" hidden><span class="quiz-score" role="status" aria-live="polite"></span> '
        '<button type="button" class="md-button quiz-reset">Reset answers</button></p>',
        "",
    ]
    parts += [_question_markdown(q, i + 1, total) for i, q in enumerate(questions)]
    parts += ["</details>", ""]
    return "\n".join(parts)
