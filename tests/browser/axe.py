"""Accessibility checks in the real browser with axe-core (vendored: tests/browser/vendor/axe-core/).

``assert_accessible(page)`` injects axe-core into the page as it is now and
fails with every violation found against WCAG 2.0, 2.1 and 2.2 at levels A
and AA (plus axe's best practices), each with the elements it concerns.
Call it on every state of a page that a person sees: after a form error,
with a dialog open, on the door's green and red answers.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page, include=None):
    """axe-core's violations on the page (or inside the ``include`` selector), as axe reports them."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the test driver, not added as a <script>: the pages' Content-Security-Policy
        # (rightly) refuses an inline script, and the check must run on the page as users get it.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        """async ([include, tags]) => {
            const result = await axe.run(include || document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        [include, TAGS],
    )


def assert_accessible(page, include=None):
    found = violations(page, include)
    report = "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5]) for v in found)
    assert not found, f"axe-core found {len(found)} violation(s) on {page.url}:\n{report}"
