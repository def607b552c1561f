""""Check yourself" in Chromium: checking right and wrong answers, feedback in live regions, reset,
progress kept across reloads, keyboard only, no JavaScript, phone and desk widths in both colour
schemes, axe; and the quiz's files only on pages that have questions (hooks/page_assets.py)."""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from hooks import quiz
from hooks.snippet_modules import SnippetModules
from tests.browser.conftest import CONCEPT, ROOT, discover_pages

pytestmark = pytest.mark.browser

QUESTIONS = {q.id: q for q in quiz.read_questions(ROOT / "docs" / CONCEPT / "index.questions.yml", SnippetModules(), "index.md")}
NUMERIC, CHOICE = "smoothed-target", "loss-plateau"
RIGHT_CHOICE = next(i for i, c in enumerate(QUESTIONS[CHOICE].choices) if c.correct)
WRONG_CHOICE = next(i for i, c in enumerate(QUESTIONS[CHOICE].choices) if not c.correct)


def test_quiz_files_load_only_on_pages_with_questions(site_dir):
    with_quiz = 0
    for path in discover_pages(site_dir):
        page = (site_dir / path / "index.html").read_text(encoding="utf-8")
        has_questions = 'class="quiz"' in page
        with_quiz += has_questions
        for asset in ("assets/stylesheets/quiz.css", "assets/javascripts/quiz.js"):
            assert (asset in page) == has_questions, f"{path or 'landing'}: {asset} {'missing' if has_questions else 'loaded without questions'}"
    assert with_quiz >= 1


def open_quiz(open_page, **options):
    page, watch = open_page(CONCEPT, **options)
    page.wait_for_selector("details.quiz[data-quiz-ready]", state="attached")
    page.locator("details.quiz > summary").click()
    return page, watch


def question(page, qid: str):
    return page.locator(f"#check-{qid}")


def feedback(page, qid: str) -> str:
    return question(page, qid).locator(".quiz-feedback[role=status][aria-live=polite]").inner_text()


def answer_numeric(page, qid: str, text: str) -> None:
    field = question(page, qid).locator("input[type=text]")
    field.fill(text)
    field.press("Enter")


def answer_choice(page, qid: str, index: int) -> None:
    question(page, qid).locator(f"input[value='{index}']").check()
    question(page, qid).locator(".quiz-check").click()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_right_wrong_reset_and_reload(open_page, width, scheme):
    page, watch = open_quiz(open_page, width=width, scheme=scheme)
    answer = QUESTIONS[NUMERIC]
    wrong = f"{answer.answer + 3 * answer.tolerance:.{answer.decimals}f}"
    answer_numeric(page, NUMERIC, wrong)
    assert "Not quite" in feedback(page, NUMERIC)
    expect(question(page, NUMERIC)).to_have_class(re.compile("quiz-question--wrong"))
    answer_numeric(page, NUMERIC, f"{answer.answer:.{answer.decimals}f}".replace(".", ","))  # a decimal comma counts too
    assert feedback(page, NUMERIC).startswith("✓ Right") or "Right." in feedback(page, NUMERIC)
    expect(question(page, NUMERIC).locator(".quiz-answer")).to_have_attribute("open", "")

    answer_choice(page, CHOICE, WRONG_CHOICE)
    text = feedback(page, CHOICE)
    assert "Not quite" in text and "You chose" in text
    expect(page.locator(".quiz-score")).to_have_text(f"1 of {len(QUESTIONS)} right.")

    # no sideways scrolling: every question fits its column
    overflow = page.evaluate("[...document.querySelectorAll('.quiz-question')].some(q => q.scrollWidth > q.clientWidth + 1)")
    assert not overflow

    page.reload(wait_until="load")
    page.wait_for_selector("details.quiz[data-quiz-ready]", state="attached")
    expect(page.locator("details.quiz")).to_have_attribute("open", "")  # a returning reader sees progress
    expect(question(page, NUMERIC).locator("input[type=text]")).to_have_value(re.compile(r"\d"))
    expect(question(page, CHOICE).locator(f"input[value='{WRONG_CHOICE}']")).to_be_checked()
    expect(page.locator(".quiz-score")).to_have_text(f"1 of {len(QUESTIONS)} right.")

    answer_choice(page, CHOICE, RIGHT_CHOICE)
    expect(page.locator(".quiz-score")).to_have_text(f"2 of {len(QUESTIONS)} right.")
    page.locator(".quiz-reset").click()
    expect(page.locator(".quiz-score")).to_have_text(f"Answers cleared. 0 of {len(QUESTIONS)} right.")
    page.reload(wait_until="load")
    page.wait_for_selector("details.quiz[data-quiz-ready]", state="attached")
    expect(question(page, CHOICE).locator(f"input[value='{RIGHT_CHOICE}']")).not_to_be_checked()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('concept-lab:quiz:'))") == []
    assert watch.console_errors == []


@pytest.mark.parametrize(("part", "qid"), [
    ("code/", "mixup-true-target"),  # 3 decimals: "0,829" is 0.829, not 829 (a thousands group)
    ("scale/", "float16-one-position"),  # a whole number: "7,008" is 7008
])
def test_a_comma_is_read_as_the_question_asks(open_page, part, qid):
    name = part.rstrip("/")
    (asked,) = [q for q in quiz.read_questions(ROOT / "docs" / CONCEPT / f"{name}.questions.yml", SnippetModules(), f"{name}.md")
                if q.id == qid]
    # a decimal comma where decimals are asked for, a thousands comma where not
    typed = f"{asked.answer:.{asked.decimals}f}".replace(".", ",") if asked.decimals else f"{asked.answer:,.0f}"
    assert "," in typed and "." not in typed, typed
    page, watch = open_page(CONCEPT + part)
    page.wait_for_selector("details.quiz[data-quiz-ready]", state="attached")
    page.locator("details.quiz > summary").click()
    answer_numeric(page, qid, typed)
    assert "Right." in feedback(page, qid), typed
    assert watch.console_errors == []


def test_an_edited_question_forgets_its_old_answer(open_page):
    page, _ = open_quiz(open_page)
    answer_numeric(page, NUMERIC, f"{QUESTIONS[NUMERIC].answer}")
    key = f"concept-lab:quiz:{CONCEPT}index.md"
    stored = json.loads(page.evaluate(f"localStorage.getItem('{key}')"))
    stored[NUMERIC]["fingerprint"] = "an-older-one"
    page.evaluate(f"localStorage.setItem('{key}', {json.dumps(json.dumps(stored))})")
    page.reload(wait_until="load")
    page.wait_for_selector("details.quiz[data-quiz-ready]", state="attached")
    expect(question(page, NUMERIC).locator("input[type=text]")).to_have_value("")
    assert NUMERIC not in json.loads(page.evaluate(f"localStorage.getItem('{key}') || '{{}}'"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_keyboard_only(open_page, width, scheme):
    page, _ = open_page(CONCEPT, width=width, scheme=scheme)
    page.wait_for_selector("details.quiz[data-quiz-ready]", state="attached")
    summary = page.locator("details.quiz > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.quiz")).to_have_attribute("open", "")
    page.keyboard.press("Tab")  # Reset answers
    page.keyboard.press("Tab")  # the first question's answer field
    assert page.evaluate("document.activeElement.id") == f"check-{NUMERIC}-value"
    assert page.evaluate("document.activeElement.labels[0].textContent").startswith("Your answer")
    page.keyboard.type(f"{QUESTIONS[NUMERIC].answer:.{QUESTIONS[NUMERIC].decimals}f}")
    page.keyboard.press("Enter")
    assert "Right." in feedback(page, NUMERIC)
    # a choice: Tab into the group, arrows choose, Tab to Check, Space presses it
    question(page, CHOICE).locator("input").first.focus()
    for _ in range(RIGHT_CHOICE):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('quiz-check')")
    page.keyboard.press("Space")
    assert "Right." in feedback(page, CHOICE)


def test_without_javascript_every_answer_is_behind_a_fold(open_page):
    page, _ = open_page(CONCEPT, javascript=False)
    page.locator("details.quiz > summary").click()
    expect(question(page, NUMERIC).locator(".quiz-entry")).to_be_hidden()  # no field that cannot be checked
    expect(question(page, NUMERIC).locator(".quiz-check")).to_be_hidden()
    for qid, q in QUESTIONS.items():
        fold = question(page, qid).locator("details.quiz-answer")
        fold.locator("summary").click()
        text = fold.inner_text()
        if q.kind == "numeric":
            assert q.shown_answer in text
        else:
            assert all(letter in text for letter in "ABCD"[: len(q.choices)])
        expect(fold.locator("a", has_text="Where this is taught")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_axe_on_an_answered_quiz(open_page, width, scheme):
    page, _ = open_quiz(open_page, width=width, scheme=scheme)
    answer_numeric(page, NUMERIC, "1")
    answer_choice(page, CHOICE, RIGHT_CHOICE)
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    results = Axe().run(page, context="details.quiz")
    report = [{"rule": v["id"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in results.response["violations"]]
    assert results.violations_count == 0, json.dumps(report, indent=1)
