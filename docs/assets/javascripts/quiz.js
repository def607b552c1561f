/* "Check yourself": checks the answers hooks/quiz.py wrote into the page, with no server.
 *
 * Loaded only on pages with questions (hooks/page_assets.py), at the end of the content, so it
 * runs once for every such page shown, instant navigation included: it sets up each quiz not
 * set up yet. Without JavaScript the page still has every question, answer and explanation
 * (the "Answer and explanation" folds); this script adds the answer field, the Check button,
 * feedback in each question's polite live region, and progress in localStorage, one entry per
 * page, keyed by each question's fingerprint so that an edited question starts afresh.
 */
(function () {
  "use strict";

  var STORAGE_PREFIX = "concept-lab:quiz:";

  function load(key) {
    try { return JSON.parse(localStorage.getItem(STORAGE_PREFIX + key)) || {}; }
    catch (error) { return {}; }   /* storage off (privacy settings) or a damaged entry: start afresh */
  }

  function save(key, answers) {
    try {
      if (Object.keys(answers).length) localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(answers));
      else localStorage.removeItem(STORAGE_PREFIX + key);
    } catch (error) { /* progress is a convenience: checking still works without it */ }
  }

  /* "0.84", "0,84", "−1.5", "1,000", "9e-5" -> a number; anything else -> NaN.
   * A comma: one comma and no point is a decimal comma when the question asks for decimals
   * ("0,829" is 0.829, "1,250" is 1.25) and groups thousands when it asks for a whole number
   * ("2,048" is 2048); commas grouping threes before a point, or several, group thousands
   * ("1,234.5", "1,000,000"). `decimals` is the question's (hooks/quiz.py, data-decimals). */
  function parseNumber(text, decimals) {
    var s = text.trim().replace(/[\s\u202f\u2009]/g, "").replace(/\u2212/g, "-");
    if (decimals > 0 && /^-?\d*,\d+$/.test(s)) s = s.replace(",", ".");
    else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
    else if (/^-?\d*,\d+$/.test(s)) s = s.replace(",", ".");
    return s === "" || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? NaN : Number(s);
  }

  function inputs(question) {
    return Array.prototype.slice.call(question.querySelectorAll(".quiz-choices input"));
  }

  /* The reader's answer as stored: the typed text, or the indices of the chosen options. */
  function currentValue(question) {
    if (question.dataset.kind === "numeric") return question.querySelector(".quiz-entry input").value;
    return inputs(question).filter(function (input) { return input.checked; })
      .map(function (input) { return input.value; });
  }

  function restoreValue(question, value) {
    if (question.dataset.kind === "numeric") question.querySelector(".quiz-entry input").value = value;
    else inputs(question).forEach(function (input) { input.checked = value.indexOf(input.value) >= 0; });
  }

  /* true, false, or null when there is nothing to check yet (with the reason shown). */
  function grade(question, value) {
    if (question.dataset.kind === "numeric") {
      var number = parseNumber(value, Number(question.dataset.decimals));
      if (isNaN(number)) return null;
      var tolerance = Number(question.dataset.tolerance);
      return Math.abs(number - Number(question.dataset.answer)) <= tolerance * (1 + 1e-9);
    }
    if (!value.length) return null;
    return inputs(question).every(function (input) {
      return input.hasAttribute("data-correct") === (value.indexOf(input.value) >= 0);
    });
  }

  function paragraph(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function showFeedback(question, value, right) {
    var feedback = question.querySelector(".quiz-feedback");
    feedback.textContent = "";
    question.classList.toggle("quiz-question--right", right === true);
    question.classList.toggle("quiz-question--wrong", right === false);
    if (right === null) {
      feedback.appendChild(paragraph(question.dataset.kind === "numeric"
        ? "Type a number first, such as 0.25." : "Choose an option first."));
      return;
    }
    var verdict = paragraph(right ? "Right." : "Not quite.");
    verdict.className = "quiz-verdict";
    feedback.appendChild(verdict);
    if (question.dataset.kind === "numeric") {
      feedback.appendChild(paragraph(right
        ? "The explanation is below."
        : "That is further than " + question.querySelector(".quiz-tolerance").textContent.replace(/^.*within /, "").replace(/ counts$/, "") +
          " from the answer. Try again, or open the answer below."));
    } else {
      value.forEach(function (index) {   /* why each chosen option is right or wrong */
        var why = question.querySelector('.quiz-why[data-choice="' + index + '"]');
        var label = question.querySelector('label[for="' + question.id + "-" + index + '"]');
        var item = document.createElement("div");
        item.className = "quiz-why-shown";
        item.appendChild(paragraph("You chose: " + label.textContent.trim()));
        Array.prototype.forEach.call(why.childNodes, function (node) { item.appendChild(node.cloneNode(true)); });
        feedback.appendChild(item);
      });
    }
    if (right) question.querySelector(".quiz-answer").open = true;
  }

  function setUp(quiz) {
    quiz.dataset.quizReady = "";
    var key = quiz.dataset.quiz;
    var answers = load(key);
    var questions = Array.prototype.slice.call(quiz.querySelectorAll(".quiz-question"));
    var score = quiz.querySelector(".quiz-score");

    function updateScore(message) {
      var right = questions.filter(function (q) { return q.classList.contains("quiz-question--right"); }).length;
      score.textContent = (message ? message + " " : "") + right + " of " + questions.length + " right.";
    }

    questions.forEach(function (question) {
      var id = question.dataset.question;
      question.querySelectorAll("[hidden]").forEach(function (element) {
        if (!element.classList.contains("quiz-why")) element.hidden = false;
      });
      var stored = answers[id];
      if (stored && stored.fingerprint === question.dataset.fingerprint) {
        restoreValue(question, stored.value);
        showFeedback(question, stored.value, grade(question, stored.value));
      } else if (stored) {
        delete answers[id];   /* the question changed since: its old answer no longer applies */
      }
      question.querySelector(".quiz-form").addEventListener("submit", function (event) {
        event.preventDefault();
        var value = currentValue(question), right = grade(question, value);
        showFeedback(question, value, right);
        if (right !== null) {
          answers[id] = { fingerprint: question.dataset.fingerprint, value: value };
          save(key, answers);
        }
        updateScore();
      });
    });

    quiz.querySelector(".quiz-progress").hidden = false;
    quiz.querySelector(".quiz-reset").addEventListener("click", function () {
      answers = {};
      save(key, answers);
      questions.forEach(function (question) {
        question.querySelectorAll("input").forEach(function (input) {
          if (input.type === "text") input.value = ""; else input.checked = false;
        });
        question.querySelector(".quiz-feedback").textContent = "";
        question.classList.remove("quiz-question--right", "quiz-question--wrong");
        question.querySelector(".quiz-answer").open = false;
      });
      updateScore("Answers cleared.");
    });
    save(key, answers);
    updateScore();
    if (Object.keys(answers).length) quiz.open = true;   /* a returning reader sees their progress */
  }

  document.querySelectorAll("details.quiz[data-quiz]:not([data-quiz-ready])").forEach(setUp);
})();
