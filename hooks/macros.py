"""Variables and macros for pages with ``render_macros: true`` (mkdocs-macros-plugin).

Pages state numbers by computing them here at build time from the tested code in
``snippets/``, never by typing them: any module is ``snippets.<module>``
(``{{ snippets.calibration.expected_calibration_error(p, y) | round(3) }}``,
``hooks/snippet_modules.py``). What only one concept's pages call is in that concept's kit,
``{{ kit.<macro>(...) }}`` (``hooks/concept_kits.py``).
"""

from __future__ import annotations

import posixpath
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so `snippets`, `hooks` and `tools` import as packages during the build

from hooks.concepts import FRONT_MATTER, concepts_by_domain, read_concepts  # noqa: E402
from hooks.downloads import module_download_markdown  # noqa: E402
from hooks.lab_results import lab_results  # noqa: E402
from hooks.page_figures import page_figure_html  # noqa: E402
from hooks import citation, page_assets, page_history, quiz  # noqa: E402
from hooks.concept_kits import PageKit  # noqa: E402
from hooks.snippet_modules import SnippetModules  # noqa: E402
from snippets import stats  # noqa: E402
from snippets.stats import Findings  # noqa: E402


def vector(values, digits: int = 3) -> str:
    """Format a 1-D array as ``[0.025, 0.925]`` for prose and math."""
    return "[" + ", ".join(f"{v:.{digits}g}" for v in np.ravel(values)) + "]"


#: The made-up comparison the interval key reads aloud: formatted like every finding on the site.
_SPREAD_EXAMPLE = {"mean": 0.9, "sd": 0.02}  # how the findings macros print one arm's runs
_KEY_EXAMPLE = stats.PairedComparison(a="a", b="b", n=8, mean_a=0.0, mean_b=0.0, mean_difference=1.2,
                                      low=0.4, high=2.0, p_value=0.01)


def interval_key(page_uri: str, docs_dir: str | Path) -> str:
    """The key to the site's interval notation, for a page's first finding: what an example in the
    notation the findings macros print means, linked to the full key on the concept's labs page."""
    labs_index = posixpath.join(posixpath.dirname(page_uri), "labs", "index.md")
    more = ""
    if (Path(docs_dir) / labs_index).is_file():
        more = f" [How to read a finding]({posixpath.relpath(labs_index, posixpath.dirname(page_uri) or '.')})."
    key = _KEY_EXAMPLE
    example = stats.format_difference(key, digits=1)
    low, high = (stats.format_number(x, 1) for x in (key.low, key.high))
    return (
        '<p class="interval-key" markdown>'
        f"**Reading a finding:** *{example}* means that one way of training minus the other averaged "
        f"{stats.format_number(key.mean_difference, 1, sign=True)} over {key.n} paired runs (each pair shares a "
        f"random seed, which varies training only: the test images are the same), and that the true mean "
        f"difference lies between {low} and {high} with 95 % confidence. A direction word (\"higher\", "
        f"\"better\") needs an interval that excludes 0 and a p-value that stays below 0.05 after adjusting for the "
        f'number of comparisons the lab makes; otherwise the finding reads "no detectable difference". A single '
        f"value written *{stats.format_estimate(_SPREAD_EXAMPLE, 2)}* is a mean ± standard deviation over the runs.{more}</p>"
    )


#: Words a reader gets through in a minute of technical prose: the part opener's reading time.
READING_WORDS_PER_MINUTE = 200
# What a reader does not read as prose: fenced code, macro calls and tags, HTML tags and comments.
# A tag is "<" then a letter, "/" or "!": a "<" in math (\(p_t - 1 < 0\)) is prose, not a tag.
_NOT_PROSE = re.compile(r"^(`{3,}|~{3,}).*?^\1|\{\{.*?\}\}|\{%.*?%\}|<[A-Za-z/!][^<>]*>", re.S | re.M)


def reading_minutes(markdown: str) -> int:
    """About how long a page's prose takes to read, in whole minutes (at least 1)."""
    words = len(re.findall(r"\w+", _NOT_PROSE.sub(" ", markdown)))
    return max(1, round(words / READING_WORDS_PER_MINUTE))


def reading_time(page_uri: str, docs_dir: str | Path, pages: tuple[str, ...]) -> int:
    """Minutes to read ``pages`` (paths relative to the page at ``page_uri``) one after another."""
    base = Path(docs_dir) / posixpath.dirname(page_uri)
    missing = [page for page in pages if not (base / page).is_file()]
    if missing:
        raise ValueError(f"{page_uri}: reading_time() names {missing[0]!r}, which is not a page beside it")
    return sum(reading_minutes(FRONT_MATTER.sub("", (base / page).read_text(encoding="utf-8"))) for page in pages)


def prerequisite_links(page_uri: str, docs_dir: str | Path) -> str:
    """The concept's prerequisites (its front matter) as Markdown links: "[A](..) and [B](..)"."""
    concepts = read_concepts(docs_dir)
    if page_uri not in concepts:
        raise ValueError(f"{page_uri}: prerequisite_links() belongs on a concept page")
    base = posixpath.dirname(page_uri)
    links = [f"[{concepts[uri].title}]({posixpath.relpath(uri, base)})" for uri in concepts[page_uri].prerequisites]
    return " and ".join(filter(None, [", ".join(links[:-1]), links[-1]])) if links else "nothing before it"


def part_opener(page_uri: str, docs_dir: str | Path, markdown: str) -> str:
    """The head of a chapter's part page: what it teaches and needs (its ``part:`` front matter,
    checked by hooks/concepts.py) and its reading time."""
    parts = {part.src_uri: part for concept in read_concepts(docs_dir).values() for part in concept.parts}
    if page_uri not in parts:
        raise ValueError(f"{page_uri}: part_opener() belongs on a part page, and no concept lists this page under parts:")
    part = parts[page_uri]
    return (
        '<div class="part-opener" markdown>\n\n'
        f"**You will learn:** {part.teaches}\n\n"
        f"**You need:** {part.needs}\n\n"
        f"**Reading time:** about {reading_minutes(markdown)} minutes.\n\n"
        "</div>"
    )


def concept_list(concepts: list, page_uri: str, *, with_phase: bool = True) -> str:
    """A Markdown list of concepts, each linked relative to the page ``page_uri`` that shows it."""
    base = posixpath.dirname(page_uri)
    lines = []
    for c in concepts:
        link = posixpath.relpath(c.src_uri, base)
        phase = f" · {c.phase_short}" if with_phase else ""
        lines.append(f"- **[{c.title}]({link})** · Concept {c.number}{phase}: {c.summary}")
    return "\n".join(lines)


def page_source(page) -> str:
    """The page's path under docs/: MkDocs' ``page.file.src_uri``, or ``page.path`` under Zensical
    (docs/authors.md, "Moving off MkDocs")."""
    return page.file.src_uri if hasattr(page, "file") else page.path


def lines_before_body(source: str) -> int:
    """How many lines of a page file come before the Markdown the macros see: its front matter and
    the blank lines after it, which MkDocs strips."""
    match = FRONT_MATTER.match(source)
    if not match:
        return 0
    rest = source[match.end():]
    return source[:match.end()].count("\n") + len(rest) - len(rest.lstrip("\n"))


#: Blank lines put before the page being rendered (on_pre_page_macros), taken away after it.
_padding = ""


def on_pre_page_macros(env) -> None:
    """Blank lines stand in for the front matter while the page renders, so a macro error reports
    the line of the page file ("line N" of ``<template>``) that the author sees in the editor."""
    global _padding
    path = env.page.file.abs_src_path  # None for a page a hook generates
    source = Path(path).read_text(encoding="utf-8-sig") if path and Path(path).is_file() else ""
    _padding = "\n" * lines_before_body(source)
    env.markdown = _padding + env.markdown


def on_post_page_macros(env) -> None:
    """Take the stand-in lines away again: the rendered page is as if they had never been there."""
    if env.markdown.startswith(_padding):
        env.markdown = env.markdown[len(_padding):]


def define_env(env) -> None:
    _define_lab_macros(env)
    env.variables["snippets"] = SnippetModules()
    # {{ kit.<macro>(...) }}: a macro of the kit in the page's concept folder (hooks/concept_kits.py)
    env.variables["kit"] = PageKit(env.conf["docs_dir"], lambda: page_source(env.page),
                                   lambda feature: page_assets.use(env.page, feature))
    env.filter(vector)
    # {{ part_opener() }} under a part page's title: what it teaches and needs, and its reading time
    env.macro(lambda: part_opener(page_source(env.page), env.conf["docs_dir"], env.markdown), "part_opener")
    # {{ reading_time("practice.md", "code.md") }}: minutes, from the pages' text
    env.macro(lambda *pages: reading_time(page_source(env.page), env.conf["docs_dir"], pages), "reading_time")
    env.macro(lambda: prerequisite_links(page_source(env.page), env.conf["docs_dir"]), "prerequisite_links")
    # {{ page_figure("gap_figures", "optimal-gap", alt="...") }}: a figure drawn by snippets/ code
    env.macro(lambda module, name, alt=None: page_figure_html(
        module, name, alt=alt, page_uri=page_source(env.page), site_dir=env.conf["site_dir"],
        cache_dir=Path(env.project_dir) / ".cache" / "page-figures"), "page_figure")
    # {{ interval_key() }} beside the first interval on a page
    env.macro(lambda: interval_key(page_source(env.page), env.conf["docs_dir"]), "interval_key")
    # {{ lab("calibration")["ece"]... }}: numbers the page's concept's labs computed (hooks/lab_results.py)
    env.macro(lambda name: lab_results(name, page_source(env.page), env.project_dir), "lab")
    # {{ module_download("label_smoothing") }} under library code: its downloads, licence and test command
    env.macro(lambda module: module_download_markdown(module, page_source(env.page), env.conf), "module_download")

    @env.macro
    def check_yourself() -> str:
        """The page's questions, from ``<page>.questions.yml`` beside it (hooks/quiz.py)."""
        source = page_source(env.page)
        path = quiz.questions_file(Path(env.conf["docs_dir"]) / source)
        questions = quiz.read_questions(path, env.variables["snippets"], source)
        page_assets.use(env.page, "quiz")
        return quiz.quiz_markdown(questions, page_key=source)

    @env.macro
    def cite_this_page() -> str:
        """A "Cite this page" section: the page's BibTeX entry, copied with the code block's button."""
        source = page_source(env.page)
        name = posixpath.basename(posixpath.dirname(source)) if source.endswith("index.md") else Path(source).stem
        entry = citation.bibtex_entry(
            f"conceptlab:{name or 'home'}",
            title=env.page.meta.get("title") or env.page.title,  # the nav may call it "Overview"
            publisher=env.conf["site_name"],
            url=getattr(env.page, "canonical_url", None),
            changed=page_history.last_change(Path(env.conf["docs_dir"]) / source),
        )
        return f"## Cite this page {{: #cite-this-page }}\n\n```bibtex\n{entry}\n```\n"

    def catalog() -> dict:
        return concepts_by_domain(read_concepts(env.conf["docs_dir"]))

    @env.macro
    def concept_catalog() -> str:
        """Every published concept as Markdown: one heading per domain, then its concepts."""
        sections = [
            f"## {domain}\n\n{concept_list(concepts, page_source(env.page))}"
            for domain, concepts in catalog().items()
        ]
        return "\n\n".join(sections)

    @env.macro
    def domain_concepts() -> str:
        """On a domain's page (``domains/<domain>/index.md``), its concepts as a Markdown list."""
        page = page_source(env.page)
        concepts = [c for members in catalog().values() for c in members if c.domain_uri == page]
        if not concepts:
            raise ValueError(f"domain_concepts: {page} is not the index.md of a domain folder with concepts")
        return concept_list(concepts, page)

    @env.macro
    def published_concepts() -> int:
        """How many concept pages exist."""
        return sum(len(concepts) for concepts in catalog().values())



# ------------------------------------------------------------------ lab findings and figures
# A lab's results hold {"findings": snippets.stats.Findings.to_dict(), ...}: per-seed values by
# metric and arm, and the family of paired comparisons the lab reports, with Holm-adjusted
# p-values. Pages quote them only through these macros, thin calls on Findings.from_dict, so
# every verdict on a page is snippets.stats.verdict of a recorded comparison. Lab names resolve
# like the `lab` macro's (the labs/ folder nearest the page):
#
#   {{ estimate("calibration", "ece", "baseline") }}                         0.042 ± 0.011
#   {{ interval("calibration", "ece", "temperature_scaled", "baseline") }}   −0.031 [−0.040, −0.022], n = 8
#   {{ verdict("calibration", "ece", "temperature_scaled", "baseline") }}    lower | no detectable difference (n = 8)
#   {{ finding("calibration", "ece", "temperature_scaled", "baseline") }}    lower (−0.031 [−0.040, −0.022], n = 8)
#   {{ finding("geometry", "tightness", "smoothed", "hard", lower="tighter", higher="looser") }}
#   {{ comparison_count("calibration") }}            how many comparisons the lab's family holds
#   {{ lab_figure("calibration", "reliability") }}   the figure by screen width and colour scheme;
#                                                    follow it with a /// caption block
#
# and, for a number a lab stores outside its findings, the filters `pm` and `paired`:
#   {{ lab("calibration")["findings"]["arms"]["ece"]["baseline"] | pm(3) }}


class FindingError(ValueError):
    """A page asked for a metric, arm or comparison the lab does not report. (Not a LookupError: Jinja would swallow it.)"""


@contextmanager
def _asking(lab: str):
    """The one place a lookup error of snippets.stats becomes the Jinja-safe FindingError."""
    try:
        yield
    except KeyError as error:
        raise FindingError(f"Lab {lab!r}: {error.args[0]}") from None


def _findings(results: dict, lab: str) -> Findings:
    if "findings" not in results:
        raise FindingError(f"Lab {lab!r} records no findings (its results have no 'findings' key)")
    return Findings.from_dict(results["findings"])


def estimate(results: dict, lab: str, metric: str, arm: str) -> str:
    """An arm's mean ± standard deviation over seeds, at the metric's precision."""
    with _asking(lab):
        return _findings(results, lab).estimate(metric, arm)


def interval(results: dict, lab: str, metric: str, a: str, b: str) -> str:
    """Mean paired difference a − b, its 95 % interval and n."""
    with _asking(lab):
        return _findings(results, lab).interval(metric, a, b)


def verdict(results: dict, lab: str, metric: str, a: str, b: str, **words: str) -> str:
    """The verdict word alone (snippets.stats.verdict)."""
    with _asking(lab):
        return _findings(results, lab).verdict(metric, a, b, **words)


def finding(results: dict, lab: str, metric: str, a: str, b: str, **words: str) -> str:
    """Verdict with its evidence: ``lower (−0.031 [−0.040, −0.022], n = 8)``."""
    with _asking(lab):
        return _findings(results, lab).describe(metric, a, b, **words)


def comparison_count(results: dict, lab: str) -> int:
    """How many comparisons the lab reports: the family its p-values are adjusted in."""
    return _findings(results, lab).family_size


def pm(summary: dict, digits: int = 3) -> str:
    """Filter: ``{"mean": .., "sd": ..}`` as ``0.042 ± 0.011``."""
    return stats.format_estimate(summary, digits)


def paired(comparison: dict, digits: int = 3) -> str:
    """Filter: a saved paired comparison as ``+0.012 [0.004, 0.020], n = 8``."""
    return stats.format_difference(stats.PairedComparison.from_dict(comparison), digits)


def lab_figure_html(name: str, figure: str, page_src_uri: str, page_url: str, project_dir: str | Path,
                    alt: str | None = None) -> str:
    """The markup of figure ``figure`` of lab ``name``, for the page at ``page_url``."""
    from hooks.figures import figure_html, load_manifest
    from hooks.lab_results import resolve_lab_key
    from hooks.lab_store import LabStore

    store = LabStore.of_project(project_dir)
    key = resolve_lab_key(name, page_src_uri, store.results_dir)
    manifest = load_manifest(store.manifest(key), name)
    if figure not in manifest:
        raise FindingError(f"Lab {name!r}: figure {figure!r} is not recorded; recorded: {sorted(manifest)}")
    entry = manifest[figure]
    page_dir = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
    base = posixpath.relpath(f"{posixpath.dirname(key)}/figures", page_dir.rstrip("/") or ".") + "/"
    return figure_html(entry, base, alt=alt)


def _define_lab_macros(env) -> None:
    def results(name: str) -> dict:
        return lab_results(name, page_source(env.page), env.project_dir)

    for fn in (estimate, interval, verdict, finding, comparison_count):
        env.macro(lambda name, *args, _fn=fn, **words: _fn(results(name), name, *args, **words), fn.__name__)
    env.filter(pm)
    env.filter(paired)
    env.macro(lambda name, figure, alt=None: lab_figure_html(name, figure, page_source(env.page), env.page.url,
                                                            env.project_dir, alt=alt), "lab_figure")
