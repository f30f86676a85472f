"""The whole injection corpus (tests/security/injection.py) in posts, comments, names,
incidents, the changelog, rules and moderation reasons, opened in Chromium on every
main page. The page's CSP is bypassed so that escaping alone must stop the payloads;
the global flag they all try to set stays unset and no dialog opens."""

import pytest
from playwright.sync_api import Page

from frankly.feedback import services as feedback
from frankly.incidents import services as incidents
from frankly.roadmap import services as roadmap
from frankly.transparency import moderation, rules
from tests.browser.test_journeys import log_in
from tests.conftest import make_user
from tests.security.injection import PAYLOADS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _seed(staff) -> dict:
    everything = "\n\n".join(PAYLOADS)
    post = feedback.create_post(
        author=staff, kind="idea", title="All payloads", body=everything, tags=()
    )
    people = []
    for n, payload in enumerate(PAYLOADS):
        person = make_user(name=payload.replace("\n", " ")[:80])
        people.append(person)
        feedback.create_post(author=person, kind="idea", title=payload[:160], body=payload, tags=())
        feedback.add_comment(author=person, post_id=post.pk, body=payload)
        if n % 5 == 0:
            feedback.add_comment(author=person, post_id=post.pk, body=everything)
    rule = rules.create_rule(actor=staff, title="Be kind", description=everything[:5000])
    hidden = feedback.add_comment(author=people[0], post_id=post.pk, body="to hide")
    moderation.hide_content(
        actor=staff,
        object_type="comment",
        object_id=hidden.pk,
        rule_id=rule.pk,
        reason=everything[:5000],
    )
    component = incidents.create_component(actor=staff, name="API", description=PAYLOADS[1])
    incident = incidents.open_incident(
        actor=staff, title=PAYLOADS[0], impact="minor", body=everything, components=[component.pk]
    )
    entry = roadmap.create_entry(
        actor=staff, title=PAYLOADS[2], body=everything, post_ids=[post.pk], publish=True
    )
    return {"post": post, "incident": incident, "entry": entry, "person": people[0]}


def test_no_payload_runs_on_any_main_page(new_page, staff, settings):
    seeded = _seed(staff)
    page: Page = new_page(bypass_csp=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, staff)
    urls = [
        "/",
        "/?sort=new",
        seeded["post"].get_absolute_url(),
        f"/posts/{seeded['post'].pk}/edit/",
        f"/people/{seeded['person'].pk}/",
        "/search/?q=script",
        "/roadmap/",
        "/changelog/",
        seeded["entry"].get_absolute_url(),
        "/status/",
        f"/status/incidents/{seeded['incident'].pk}/",
        "/status/history/",
        "/transparency/",
        "/transparency/moderation/",
        "/transparency/rules/",
        "/transparency/ledger/",
        f"/transparency/history/post/{seeded['post'].pk}/",
        "/notifications/",
    ]
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response.status}"
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", f"a payload ran on {url}"
        handlers = page.locator("[onerror], [onload], [onfocus], [ontoggle], script:not([src])")
        assert handlers.count() == 0, url
    # The text is there, shown as text.
    page.goto(seeded["post"].get_absolute_url())
    assert "<script>window.__xss=1</script>" in page.locator("main").inner_text()
    assert dialogs == []
