"""axe-core (vendored from npm: tests/browser/vendor/axe.min.js, MPL-2.0), injected
into a page to list its serious and critical WCAG 2 A/AA violations. The page's
context needs ``bypass_csp=True``: the site's CSP rightly refuses injected scripts."""

from pathlib import Path

from playwright.sync_api import Page

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def violations(page: Page) -> list[dict]:
    page.evaluate(AXE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [n["target"] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
