"""axe-core on the main pages (issue 11, "Language and accessibility"): no serious or
critical violation for a county user and a village user.

axe-core is vendored (linli/static/vendor/axe/axe.min.js, npm axe-core; no page links it)
and put into each page by the test through the DevTools protocol, so the pages' strict CSP
is untouched. Every rule axe runs by default (WCAG 2.0–2.2 A/AA and best practices) is
checked; the serious and critical violations fail the test, each named with its page and
the elements it found.
"""

from pathlib import Path

import pytest

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Role
from linli.core.tests.main_pages import main_paths, main_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).resolve().parents[2] / "linli" / "static" / "vendor" / "axe"
       / "axe.min.js").read_text()
FAILING = ("serious", "critical")
# Each violation: its rule, impact, how many elements, and the first two with axe's reason.
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, count: v.nodes.length,
    nodes: v.nodes.slice(0, 2).map((n) => n.target.join(" ") + ": "
      + (n.failureSummary || "").split("\\n").slice(1, 2).join("").trim())}));
}"""


def _violations(page, path: str) -> list[dict]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)
    return page.evaluate(RUN)


def test_the_main_pages_have_no_serious_accessibility_violation(page):
    county = make_user("xian", Role.COUNTY_BUREAU, OUR_COUNTY)
    township = make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    village = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    records = main_records(village, township, uploaders=[county, village])
    failing, minor = [], []
    for user in (county, village):
        page.context.clear_cookies()
        sign_in(page, user.username)
        for path in main_paths(records, user):
            for v in _violations(page, path):
                line = (f"{user.username} {path}: {v['impact']} {v['id']} on {v['count']}, "
                        + " | ".join(v["nodes"]))
                (failing if v["impact"] in FAILING else minor).append(line)
    print("moderate and minor (reported, not failed):", *minor, sep="\n")
    assert failing == [], f"{len(failing)} serious or critical:\n" + "\n".join(failing)
