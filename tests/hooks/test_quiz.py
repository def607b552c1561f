"""hooks/quiz.py: questions as data, answers computed by snippets/, errors that name the page, question and field."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from hooks import quiz
from hooks.snippet_modules import SnippetModules
from snippets import gap_dynamics, label_smoothing

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
MODULES = SnippetModules()


def read(entries: list, tmp_path: Path) -> list[quiz.Question]:
    path = tmp_path / "page.questions.yml"
    path.write_text(yaml.safe_dump({"questions": entries}, allow_unicode=True), encoding="utf-8")
    return quiz.read_questions(path, MODULES, "x/page.md")


NUMERIC = {
    "id": "floor",
    "given": {"K": 10, "alpha": 0.1},
    "prompt": r"With {{ K }} classes and \(\alpha = {{ alpha }}\), the floor?",
    "answer": {"call": "label_smoothing.loss_floor", "args": {"num_classes": "$K", "alpha": "$alpha"}},
    "decimals": 3,
    "explanation": "It is {{ answer }} nats.",
    "learn": "math.md#floor",
}


def test_numeric_answer_is_computed_and_quoted(tmp_path):
    (question,) = read([NUMERIC], tmp_path)
    floor = label_smoothing.loss_floor(10, 0.1)
    assert question.kind == "numeric" and question.answer == floor
    assert question.tolerance == pytest.approx(0.001)
    assert question.prompt == r"With 10 classes and \(\alpha = 0.1\), the floor?"
    assert question.explanation == f"It is {floor:.3f} nats."


def test_computed_values_nested_calls_items_and_format_specs(tmp_path):
    entry = {
        **NUMERIC,
        "given": {"K": 1000, "alpha": 0.1, "steps": 1},
        "computed": {
            "step": {"call": "gap_dynamics.gap_trajectory", "args": {"num_classes": "$K", "alpha": "$alpha", "steps": "$steps"}, "item": ["$steps"]},
            "twice": {"call": "soft_targets.effective_alpha", "args": ["$alpha", "$alpha"]},  # positional
        },
        "answer": {"call": "label_smoothing.optimal_logit_gap",
                   "args": {"num_classes": "$K", "alpha": {"call": "soft_targets.alpha_from_eps", "args": {"eps": "$alpha", "num_classes": "$K"}}}},
        "prompt": "K = {{ K:, }}, first step {{ step:.2f }}, twice {{ twice:.2f }}.",
    }
    (question,) = read([entry], tmp_path)
    assert question.prompt == f"K = 1,000, first step {gap_dynamics.gap_trajectory(1000, 0.1, 1)[1]:.2f}, twice {1 - 0.9**2:.2f}."
    assert question.answer == label_smoothing.optimal_logit_gap(1000, 0.1 * 1000 / 999)


@pytest.mark.parametrize(("decimals", "tolerance", "shown"), [
    (0, 50, "50"),  # .1g would print 5e+01
    (0, 1500, "1,500"),
    (3, None, "0.001"),  # the default: one unit in the last decimal
    (2, 0.005, "0.005"),
    (5, 0.00001, "0.00001"),
])
def test_tolerance_is_stated_without_exponent_notation(tmp_path, decimals, tolerance, shown):
    entry = {**NUMERIC, "decimals": decimals} | ({"tolerance": tolerance} if tolerance is not None else {})
    markup = quiz.quiz_markdown(read([entry], tmp_path), "x/page.md")
    assert f"to {decimals} decimals; within ±{shown} counts</span>" in markup


def test_choice_question(tmp_path):
    entry = {"id": "c", "prompt": "Which?", "explanation": "Because.", "learn": "#here",
             "choices": [{"text": "A", "why": "no"}, {"text": "B", "correct": True, "why": "yes"}]}
    (question,) = read([entry], tmp_path)
    assert question.kind == "choice" and [c.correct for c in question.choices] == [False, True]
    markup = quiz.quiz_markdown([question], "x/page.md")
    assert 'type="radio"' in markup and markup.count("data-correct") == 1
    entry["choices"][0]["correct"] = True
    assert 'type="checkbox"' in quiz.quiz_markdown(read([entry], tmp_path), "x/page.md")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer": {"call": "os.system", "args": {"command": "true"}}}, r"answer.call: .*there is no snippets/os.py"),
        ({"answer": {"call": "label_smoothing._check_alpha", "args": {}}}, r"answer.call: must name a public function"),
        ({"answer": {"call": "label_smoothing.np", "args": {}}}, r"answer.call: snippets.label_smoothing defines no public function 'np'"),
        ({"answer": {"call": "soft_targets.smooth_labels", "args": {}}}, r"answer.call: snippets.soft_targets defines no public function 'smooth_labels'"),  # imported, not defined there
        ({"answer": {"call": "label_smoothing.loss_floor", "args": {"num_classes": "$N", "alpha": 0.1}}}, r"answer.args.num_classes: \$N is not a given"),
        ({"answer": {"call": "label_smoothing.loss_floor", "args": {"num_classes": 1, "alpha": 0.1}}}, r"answer: label_smoothing.loss_floor\(...\) failed: num_classes"),
        ({"answer": {"call": "label_smoothing.smooth_labels", "args": {"labels": [0], "num_classes": 3, "alpha": 0.1}}}, r"answer: must evaluate to a number"),
        ({"answer": {"call": "label_smoothing.optimal_logit_gap", "args": {"num_classes": 3, "alpha": 0}}}, r"answer: must evaluate to a finite number"),
        ({"decimals": None}, r"decimals: is required for a numeric answer"),
        ({"tolerance": -1}, r"tolerance: must be a positive number"),
        ({"prompt": "The floor is 0.50 nats."}, r"prompt: types the number 0.50"),
        ({"prompt": "In fairseq 0.12.3 the floor is 0.5."}, r"prompt: types the number 0.5:"),
        ({"explanation": "It is {{ flor }}."}, r"explanation: \{\{ flor \}\} is not a given or computed value"),
        ({"explanation": "It is {{ K:.2q }}."}, r"explanation: cannot format"),
        ({"learn": "https://example.org/"}, r"learn: must be a link to a page of this site"),
        ({"colour": "red"}, r"colour: unknown field"),
        ({"id": "Bad Id"}, r"id: must be lowercase"),
        ({"choices": []}, r"answer: a question has either 'answer' \(numeric\) or 'choices'"),
    ],
)
def test_errors_name_page_question_and_field(tmp_path, change, message):
    entry = {k: v for k, v in {**NUMERIC, **change}.items() if v is not None}
    with pytest.raises(quiz.QuestionError, match=r"^x/page.md: question [\w -]+: " + message):
        read([entry], tmp_path)


def test_choice_errors(tmp_path):
    base = {"id": "c", "prompt": "Which?", "explanation": "Because.", "learn": "#here"}
    with pytest.raises(quiz.QuestionError, match="x/page.md: question c: choices: no choice is marked"):
        read([{**base, "choices": [{"text": "A", "why": "a"}, {"text": "B", "why": "b"}]}], tmp_path)
    with pytest.raises(quiz.QuestionError, match=r"question c: choices\[1\]: must have 'text' and 'why'"):
        read([{**base, "choices": [{"text": "A", "why": "a", "correct": True}, {"text": "B"}]}], tmp_path)
    with pytest.raises(quiz.QuestionError, match="question c: id: used twice"):
        read([{**base, "choices": [{"text": "A", "why": "a", "correct": True}, {"text": "B", "why": "b"}]}] * 2, tmp_path)


def test_file_errors_name_the_page(tmp_path):
    with pytest.raises(quiz.QuestionError, match="x/page.md: calls check_yourself.. but page.questions.yml does not exist"):
        quiz.read_questions(tmp_path / "page.questions.yml", MODULES, "x/page.md")
    (tmp_path / "page.questions.yml").write_text("questions: [", encoding="utf-8")
    with pytest.raises(quiz.QuestionError, match="x/page.md: page.questions.yml: not valid YAML"):
        quiz.read_questions(tmp_path / "page.questions.yml", MODULES, "x/page.md")
    (tmp_path / "page.questions.yml").write_text("- id: a\n", encoding="utf-8")
    with pytest.raises(quiz.QuestionError, match="must hold one key, 'questions'"):
        quiz.read_questions(tmp_path / "page.questions.yml", MODULES, "x/page.md")


def test_fingerprint_changes_with_what_the_reader_sees(tmp_path):
    (a,) = read([NUMERIC], tmp_path)
    (b,) = read([{**NUMERIC, "given": {"K": 100, "alpha": 0.1}}], tmp_path)
    (c,) = read([{**NUMERIC, "explanation": "Now {{ answer }}, explained better."}], tmp_path)
    assert a.fingerprint() != b.fingerprint() and a.fingerprint() == c.fingerprint()


# ------------------------------------------------------------------ the site's own questions

QUESTION_FILES = sorted(DOCS.rglob(f"*{quiz.QUESTIONS_SUFFIX}"))


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: str(p.relative_to(DOCS)))
def test_each_question_file_is_valid_and_shown_by_its_page(path):
    page = path.with_name(path.name.removesuffix(quiz.QUESTIONS_SUFFIX) + ".md")
    assert page.is_file(), f"{path.relative_to(ROOT)} sits beside no page"
    assert "{{ check_yourself() }}" in page.read_text(encoding="utf-8"), f"{page.relative_to(ROOT)} never shows its questions"
    questions = quiz.read_questions(path, MODULES, str(page.relative_to(DOCS)))
    assert 3 <= len(questions) <= 6, "3 to 6 questions a page"
    for question in questions:
        if question.kind == "numeric":  # within its own stated tolerance of the shown, rounded answer
            assert math.isfinite(question.answer)
            assert abs(float(question.shown_answer.split()[0].replace(",", "")) - question.answer) <= question.tolerance


# Each numeric answer of the site, recomputed here from its closed form rather than by snippets/:
# a number, or (number, absolute tolerance) where the closed form is an approximation.
CHAPTER = "domains/optimization/label-smoothing/"


def float16_overflow_estimate(positions: int) -> int:
    """Smallest K with positions * K * E[-log p_k] above float16's maximum, E[-log p_k] ~ log K + 1/2
    for standard-normal logits."""
    return next(k for k in range(2, 100_000) if positions * k * (math.log(k) + 0.5) > 65_504)


INDEPENDENT = {
    "index.md": {
        "smoothed-target": 1 - 0.2 + 0.2 / 5,
        "gap-after-one-step": 1 - 0.1,
        "optimal-gap": math.log(1 + 10 * 0.9 / 0.1),
    },
    "math.md": {
        "gap-at-hundred-classes": math.log(901),
        "convert-conventions": 0.1 * 2 / 1,
        "gap-in-the-other-convention": math.log(0.9 * 99 / 0.1),  # log((1 - eps)(K - 1) / eps)
        "first-gradient": 0.1 - (1 - 0.1 + 0.1 / 10),
    },
    "code.md": {
        "mixup-smoothed-twice": 1 - 0.9 * 0.9,
        "mixup-true-target": 1 - 0.19 + 0.19 / 10,
        "fairseq-to-pytorch": 0.1 * 3 / 2,
    },
    "evidence.md": {"fitted-confidence": 0.91},
    "scale.md": {
        "float16-one-position": (float16_overflow_estimate(1), 0.005 * float16_overflow_estimate(1)),
        "float16-batch-mean": float16_overflow_estimate(4096),
    },
    "practice.md": {
        "floor-at-a-thousand-classes": -(0.9001 * math.log(0.9001) + 999 * 1e-4 * math.log(1e-4)),
        "gap-grows-with-classes": math.log(1 + 1000 * 0.9 / 0.1),
    },
    "labs/index.md": {
        "geometry-at-another-alpha": math.log(1 + 10 * 0.95 / 0.05),
        "noise-as-smoothing": 0.4 * 10 / 9,
    },
}


def test_every_numeric_answer_matches_an_independent_formula():
    checked = set()
    for path in QUESTION_FILES:
        page = str(path.relative_to(DOCS / CHAPTER)).removesuffix(quiz.QUESTIONS_SUFFIX) + ".md"
        for question in quiz.read_questions(path, MODULES, page):
            if question.kind == "numeric":
                expected = INDEPENDENT.get(page, {}).get(question.id)
                assert expected is not None, f"{page}: question {question.id} has no independent check here"
                value, tolerance = expected if isinstance(expected, tuple) else (expected, 1e-9 * max(1, abs(expected)))
                assert abs(question.answer - value) <= tolerance, f"{page}: question {question.id}: {question.answer} vs {value}"
                checked.add((page, question.id))
    assert checked == {(page, q) for page, answers in INDEPENDENT.items() for q in answers}
