"""The demo's people, tags and posts: what Acme Cloud's customers and staff say.

Each post is a Seed: who wrote it, how old it is, how many votes it gets, and the
steps that follow (comments, replies, status moves, official responses, accepted
answers, merges). builder.py plays them through the service functions.
"""

from dataclasses import dataclass
from typing import NamedTuple

PASSWORD = "frankly-demo"  # noqa: S105 - published on purpose: demo accounts only
CUSTOMER_EMAIL = "demo@example.com"
STAFF_EMAIL = "demo-staff@example.com"
ADMIN_EMAIL = "admin@example.com"
SEED = 2025
DAYS = 120  # how far back the board's history goes

CUSTOMERS = {
    "casey": (CUSTOMER_EMAIL, "Casey Customer"),
    "priya": ("priya@example.com", "Priya Natarajan"),
    "marco": ("marco@example.com", "Marco Rossi"),
    "jen": ("jen@example.com", "Jen Okafor"),
    "tomasz": ("tomasz@example.com", "Tomasz Wójcik"),
    "aiko": ("aiko@example.com", "Aiko Tanaka"),
    "luis": ("luis@example.com", "Luis Ortega"),
    "hannah": ("hannah@example.com", "Hannah Becker"),
    "devon": ("devon@example.com", "Devon Price"),
    "fatima": ("fatima@example.com", "Fatima Al-Sayed"),
    "oliver": ("oliver@example.com", "Oliver Grant"),
    "mei": ("mei@example.com", "Mei Lin"),
    "noah": ("noah@example.com", "Noah Williams"),
    "ines": ("ines@example.com", "Inês Carvalho"),
}
STAFF = {
    "dana": (STAFF_EMAIL, "Dana from Acme", False),
    "morgan": (ADMIN_EMAIL, "Morgan from Acme", True),
}
DEMO_EMAILS = [email for email, *_ in (*CUSTOMERS.values(), *STAFF.values())]

TAGS = (
    ("Dashboard", "The web console at console.acme.cloud"),
    ("API", "The REST API, the CLI and the SDKs"),
    ("Billing", "Invoices, payment methods, pricing"),
    ("Mobile app", "The iOS and Android apps"),
    ("Integrations", "Slack, PagerDuty, Terraform, GitHub Actions..."),
    ("Performance", "Speed of the console, the API and your resources"),
    ("Security", "Sign-in, tokens, permissions, compliance"),
    ("Docs", "Guides and reference at docs.acme.cloud"),
)


# One post's history, step by step, in the order it happened.
RULES = (
    ("Be kind", "Criticise ideas and products, not people. No insults, no harassment."),
    (
        "No personal data",
        "Do not post anyone's email address, phone number, address or "
        "account details, your own included: staff will ask for them privately.",
    ),
    (
        "No spam or advertising",
        "Posts and comments are for feedback on Acme Cloud, not for "
        "promoting other products or services.",
    ),
    ("Stay on topic", "Keep a thread about its post; start a new post for a new subject."),
)

# A little moderation, so the transparency pages have something honest to show.
SPAM_COMMENT = "Cheap VPS at 1€/month!!! Visit best-vps-deals.example now, use code ACME50"


class Say(NamedTuple):
    """A top-level comment."""

    by: str
    text: str


class Reply(NamedTuple):
    """A reply to the latest top-level comment, or to comment number ``to`` of this post."""

    by: str
    text: str
    to: int | None = None


class Move(NamedTuple):
    """A status change with its public note."""

    to: str
    note: str = ""
    by: str = "dana"


class Respond(NamedTuple):
    """The official response."""

    text: str
    by: str = "dana"


class Accept(NamedTuple):
    """The asker accepts comment number ``comment`` (counting from 0) as the answer."""

    comment: int


class MergeInto(NamedTuple):
    """Staff merge this post into the post with this key."""

    key: str
    by: str = "dana"


# Typical days between one step and the one before it.
TYPICAL_GAP = {Say: 1.5, Reply: 0.4, Move: 10.0, Respond: 3.0, Accept: 1.0, MergeInto: 2.0}


@dataclass(frozen=True)
class Seed:
    kind: str
    by: str
    title: str
    body: str
    age: float  # days since it was posted
    tags: tuple[str, ...] = ()
    votes: int = 0
    steps: tuple = ()
    key: str = ""  # for merges


POSTS = (
    Seed(
        key="dark-mode",
        kind="idea",
        by="casey",
        title="Dark mode for the dashboard",
        age=112,
        tags=("dashboard",),
        votes=13,
        body="""
            I keep the console open on a second screen all day, and at night the white
            background is blinding. A dark theme that follows the operating system
            setting (`prefers-color-scheme`) would be perfect.

            Bonus points if the graphs stay readable in it.
        """,
        steps=(
            Say("priya", "Yes please. I dim my monitor every evening just for the console."),
            Say("marco", "Agreed, and please keep the status colours distinguishable in dark."),
            Reply("casey", "Good point: red/green on dark grey is hard for colour-blind people."),
            Move("under_review", "Lots of you asked for this. We're looking at the effort now."),
            Say(
                "dana",
                """
                Quick update: most of the console already uses design tokens, so a theme is
                less work than we feared. The graphs are the hard part.
                """,
            ),
            Move(
                "planned",
                "Scheduled for next quarter, together with the new graph library.",
            ),
            Respond(
                """
                **Dark mode is coming.** It will follow your system setting by default, with
                a switch under *Settings → Appearance* to override it.

                We are also checking every status colour against WCAG contrast in both
                themes, so nothing relies on red vs. green alone.
                """
            ),
            Move("in_progress", "Design is done; the first screens are in internal testing."),
            Say("hannah", "Can't wait. Will it cover the billing pages too?"),
            Reply("dana", "Yes, every page of the console, billing included."),
        ),
    ),
    Seed(
        kind="idea",
        by="tomasz",
        title="Sign in with a hardware security key (WebAuthn)",
        age=104,
        tags=("security",),
        votes=11,
        body="""
            TOTP codes are fine, but our security policy now requires phishing-resistant
            second factors for all admin accounts. Please support FIDO2 / WebAuthn keys
            (YubiKey, Titan) and passkeys.

            Until then we have to keep an exception open for Acme Cloud in our audit.
        """,
        steps=(
            Say("fatima", "Same requirement here, our SOC 2 auditor flagged it."),
            Move("under_review", "Security keys are on our shortlist for the next half-year."),
            Move("planned", "We will ship WebAuthn first, passkeys right after."),
            Move("in_progress"),
            Say("devon", "Will I be able to register more than one key? I keep a spare in a safe."),
            Reply("dana", "Yes, as many as you like, each with its own name."),
            Move(
                "done",
                """
                Shipped! Add a key under *Settings → Security*. Organisation owners can
                require security keys for everyone in *Organisation → Policies*.
                """,
            ),
            Respond(
                """
                Security keys and passkeys are live for every account. You can register
                several keys and name them; recovery codes still work as a last resort.
                See [the guide](https://docs.acme.cloud/security/keys).
                """
            ),
            Say("tomasz", "Works with my YubiKey 5 and with Touch ID. Thank you!"),
        ),
    ),
    Seed(
        key="usage-alerts",
        kind="idea",
        by="jen",
        title="Email me before my bill crosses a limit I choose",
        age=98,
        tags=("billing",),
        votes=12,
        body="""
            Last month a forgotten GPU instance cost us **$1,400** before anyone noticed.
            I'd love to set a monthly threshold per organisation (say $300) and get an
            email, ideally also a Slack message, at 50%, 80% and 100% of it.
        """,
        steps=(
            Say("luis", "This. A runaway CI job did the same to us in March."),
            Say("aiko", "Please make the thresholds configurable, not fixed at 50/80/100."),
            Move("under_review"),
            Respond(
                """
                We agree this belongs in the product. The plan:

                - a monthly budget per organisation **and** per project;
                - alerts at thresholds you choose, by email and to any webhook;
                - a forecast line on the usage page, so you see trouble coming.
                """
            ),
            Move("planned", "Planned for the next billing release."),
            Say("jen", "The forecast line would be great. Thanks for listening!"),
        ),
    ),
    Seed(
        kind="idea",
        by="devon",
        title="Scoped API tokens: read-only and per project",
        age=90,
        tags=("api", "security"),
        votes=10,
        body="""
            Today every API token can do everything the user can. Our monitoring only
            needs to *read* instance metrics, but its token could delete our databases.

            Could tokens have scopes, e.g. `instances:read`, `billing:read`, and be
            limited to one project?
        """,
        steps=(
            Say("tomasz", "Least privilege for tokens would make our security team very happy."),
            Move("under_review"),
            Move("planned", "Scopes first, project limits in the same release."),
            Move("in_progress"),
            Say("dana", "Beta is open: email support if you want it turned on for your org."),
            Reply("devon", "Signed up. Works nicely with our Grafana exporter."),
            Move(
                "done",
                "Scoped tokens are available to everyone. Old tokens keep full access.",
            ),
        ),
    ),
    Seed(
        kind="idea",
        by="aiko",
        title="Slack notifications for deploys and incidents",
        age=85,
        tags=("integrations",),
        votes=9,
        body="""
            We live in Slack. A channel message when an instance is created, stopped or
            fails its health check would save us from watching the console.
        """,
        steps=(
            Say("oliver", "Microsoft Teams too, please, for those of us in that world."),
            Reply("dana", "Noted! We'll start with Slack, and plain webhooks work with Teams."),
            Move("under_review"),
            Move("planned"),
            Move("in_progress"),
            Move(
                "done",
                """
                Connect Slack under *Project → Integrations*. You pick which events go to
                which channel.
                """,
            ),
            Say("aiko", "Set it up in two minutes. Love the event filter."),
        ),
    ),
    Seed(
        kind="idea",
        by="luis",
        title="Terraform provider: manage load balancers",
        age=80,
        tags=("integrations", "api"),
        votes=8,
        body="""
            The `acme` Terraform provider handles instances and DNS, but load balancers
            still need clicking in the console. We'd like an `acme_load_balancer`
            resource with listeners and health checks.
        """,
        steps=(
            Say("marco", "And a data source for existing ones, so we can import gradually."),
            Move("under_review"),
            Move("planned", "Planned for provider version 2.4."),
        ),
    ),
    Seed(
        kind="idea",
        by="hannah",
        title="Let me pin and reorder projects in the sidebar",
        age=40,
        tags=("dashboard",),
        votes=4,
        body="""
            I have 23 projects and the two I use daily are at the bottom of the
            alphabetical list. Pinning (or drag-to-reorder) would help a lot.
        """,
        steps=(Say("noah", "A search box at the top of the list would already help."),),
    ),
    Seed(
        kind="idea",
        by="marco",
        title="Bulk actions on instances: stop, start, tag several at once",
        age=66,
        tags=("dashboard",),
        votes=7,
        body="""
            Every Friday I stop our 14 staging instances one by one. Checkboxes in the
            instance list plus *Stop selected* / *Add tag* would save me ten minutes a
            week.
        """,
        steps=(
            Say("jen", "Or schedules: stop staging at 19:00, start at 07:00."),
            Reply("marco", "Also great, but I'd take checkboxes tomorrow."),
            Move("under_review", "We're sketching the selection UI."),
        ),
    ),
    Seed(
        kind="idea",
        by="fatima",
        title="PagerDuty integration for alerts",
        age=58,
        tags=("integrations",),
        votes=5,
        body="""
            Health-check failures should open an incident in PagerDuty and resolve it
            when the check recovers. Webhooks work, but a native integration would
            handle de-duplication for us.
        """,
        steps=(Move("under_review"),),
    ),
    Seed(
        kind="idea",
        by="tomasz",
        title="Pay by SEPA direct debit",
        age=74,
        tags=("billing",),
        votes=6,
        body="""
            Our finance team in Poland does not want company credit cards on file.
            SEPA direct debit is the norm for B2B in the EU.
        """,
        steps=(
            Say("ines", "Same in Portugal. Bank transfer every month is a chore."),
            Move("under_review"),
            Move("planned", "Our payment provider supports it; we need to update invoicing."),
        ),
    ),
    Seed(
        kind="idea",
        by="ines",
        title="Export invoices as CSV for our accountant",
        age=50,
        tags=("billing",),
        votes=5,
        body="""
            Our accountant retypes every PDF invoice. A CSV (or XLSX) export of all
            invoices in a date range, with net, VAT and gross, would end that.
        """,
        steps=(
            Move("planned"),
            Move("in_progress"),
            Move("done", "*Billing → Invoices → Export* now downloads a CSV for any range."),
            Say("ines", "Our accountant says thank you."),
        ),
    ),
    Seed(
        key="push",
        kind="idea",
        by="oliver",
        title="Push notification when an instance goes down",
        age=70,
        tags=("mobile-app",),
        votes=9,
        body="""
            The mobile app shows instance status, but only when I open it. A push
            notification when a health check fails would make it actually useful on
            call.
        """,
        steps=(
            Say("fatima", "With a quiet-hours setting, please!"),
            Move("planned"),
            Move("in_progress", "In TestFlight now; Android beta next week."),
            Say("oliver", "The iOS beta works. Notifications arrive within seconds."),
        ),
    ),
    Seed(
        kind="idea",
        by="mei",
        title="Home-screen widget for the mobile app",
        age=30,
        tags=("mobile-app",),
        votes=2,
        body="A small widget with the number of healthy/unhealthy instances per project.",
    ),
    Seed(
        kind="idea",
        by="fatima",
        title="Audit log: who changed what, and when",
        age=95,
        tags=("security",),
        votes=11,
        body="""
            When a firewall rule changes, we need to know who did it. An audit log per
            organisation with actor, action, resource, old and new value, IP address
            and time, exportable, and kept for at least a year.
        """,
        steps=(
            Say("tomasz", "A must for ISO 27001. Please include API token actions too."),
            Say("devon", "Streaming it to our SIEM (Splunk) would be ideal."),
            Move("under_review"),
            Move("planned"),
            Respond(
                """
                The audit log is our top security item this year. It will record every
                change made through the console, the API or the CLI, keep it for 400 days,
                and offer a CSV export plus a webhook for SIEMs.
                """
            ),
            Move("in_progress", "Recording has started behind the scenes; the viewer is next."),
        ),
    ),
    Seed(
        kind="idea",
        by="noah",
        title="SAML single sign-on for teams",
        age=60,
        tags=("security",),
        votes=6,
        body="""
            We use Okta for everything. Please support SAML (or OIDC) SSO, with
            automatic deprovisioning when someone leaves.
        """,
        steps=(
            Say("hannah", "Azure AD / Entra here, same wish."),
            Move("under_review", "We're talking to a few of you about how you'd use it."),
            Say(
                "morgan",
                """
                If you'd like to join a 30-minute call about SSO, reply here and we'll
                reach out by email.
                """,
            ),
            Reply("noah", "Happy to join."),
        ),
    ),
    Seed(
        kind="idea",
        by="priya",
        title="Keyboard shortcuts in the console",
        age=22,
        tags=("dashboard",),
        votes=3,
        body="""
            `g i` for instances, `g d` for databases, `/` to search, `?` for help, the
            way GitHub does it.
        """,
    ),
    Seed(
        kind="idea",
        by="devon",
        title="Show p95 latency on load balancer graphs, not just the average",
        age=45,
        tags=("performance", "dashboard"),
        votes=6,
        body="""
            The average hides our slow requests completely. p50, p95 and p99 would show
            what our users actually experience.
        """,
        steps=(
            Say("marco", "+1, averages are misleading for latency."),
            Move("planned", "Percentiles are coming with the new metrics pipeline."),
        ),
    ),
    Seed(
        kind="idea",
        by="hannah",
        title="Choose the region for automatic backups",
        age=35,
        votes=4,
        body="""
            Backups of our Frankfurt databases go to Amsterdam. For data residency we
            need them to stay in Germany: please let us pick the backup region.
        """,
        steps=(Move("under_review"),),
    ),
    Seed(
        kind="idea",
        by="luis",
        title="A --json flag for every CLI command",
        age=28,
        tags=("api",),
        votes=5,
        body="""
            Half the `acme` commands print tables only. For scripts I'd like
            `--json` everywhere, e.g. `acme instances list --json | jq ...`.
        """,
        steps=(
            Move("planned"),
            Move("in_progress"),
            Move("done", "CLI 3.2 adds `--json` (and `--output yaml`) to every command."),
        ),
    ),
    Seed(
        kind="idea",
        by="jen",
        title="Webhooks for billing events",
        age=18,
        tags=("billing", "integrations", "api"),
        votes=3,
        body="""
            `invoice.created`, `invoice.paid`, `payment.failed`: we'd like to react in
            our own tools instead of watching an inbox.
        """,
    ),
    Seed(
        kind="idea",
        by="marco",
        title="Budget per project with a hard stop",
        age=55,
        tags=("billing",),
        votes=7,
        body="""
            Let me set a budget per project, and when it's reached, stop everything in
            it automatically. Better a stopped sandbox than a surprise bill.
        """,
        steps=(
            Say("aiko", "Stopping is fine for sandboxes, terrifying for production."),
            Reply("marco", "It would be opt-in per project, of course."),
            Move("under_review"),
            Move(
                "declined",
                """
                We won't build automatic shutdown: one misconfigured budget could take a
                production database down. Budgets with alerts are planned instead (see
                "Email me before my bill crosses a limit I choose").
                """,
            ),
            Respond(
                """
                We thought hard about this one. Stopping resources automatically is too
                easy to get wrong, and the damage (downtime, lost in-memory state) is
                worse than the bill. Instead we're building per-project budgets with
                alerts and webhooks, so *you* decide what to stop, possibly with a small
                script reacting to the webhook.
                """
            ),
            Say("marco", "Fair enough. The webhook will let me build it for our sandboxes."),
        ),
    ),
    Seed(
        kind="idea",
        by="aiko",
        title="IPv6-only instances",
        age=48,
        votes=4,
        body="""
            IPv4 addresses cost extra now. Many of our internal services don't need
            one: an option to create an instance with IPv6 only would save money.
        """,
        steps=(
            Say("tomasz", "Please keep NAT64 in mind so they can still reach GitHub."),
            Move("under_review"),
        ),
    ),
    Seed(
        kind="idea",
        by="oliver",
        title="Custom domains for object storage buckets",
        age=88,
        votes=8,
        body="""
            We serve static assets from a bucket and want `assets.example.com` instead
            of `example-assets.objects.acme.cloud`, with automatic TLS.
        """,
        steps=(
            Say("ines", "Also needed for us, the bucket URL leaks our naming scheme."),
            Move("planned"),
            Move("in_progress"),
            Move(
                "done",
                "Add a domain under *Bucket → Settings → Domains*; certificates are automatic.",
            ),
        ),
    ),
    Seed(
        kind="idea",
        by="ines",
        title="Invite someone as a read-only billing contact",
        age=36,
        tags=("billing", "security"),
        votes=5,
        body="""
            Our bookkeeper needs invoices, but must not see our servers. A *Billing
            viewer* role would be perfect.
        """,
        steps=(Move("planned", "A billing-only role is part of the new permissions model."),),
    ),
    Seed(
        kind="idea",
        by="noah",
        title="Bring back the compact instance list",
        age=14,
        tags=("dashboard",),
        votes=6,
        body="""
            The redesigned instance list shows 8 instances per screen instead of 25.
            The cards look nice, but for 200 instances a dense table is much faster to
            scan. Could there be a *compact* toggle?
        """,
        steps=(
            Say("hannah", "Strongly agree. I zoom the browser to 67% to see enough rows."),
            Say("mei", "I actually like the cards, but a toggle would make us both happy."),
            Say(
                "dana",
                """
                Thanks for the honest feedback. We made the cards for people with few
                instances and underestimated how many of you have hundreds. We're
                looking at a density setting.
                """,
            ),
            Move("under_review"),
        ),
    ),
    Seed(
        kind="idea",
        by="fatima",
        title="Windows Server images",
        age=77,
        votes=3,
        body="We have two legacy .NET Framework apps that need Windows Server 2022.",
        steps=(
            Move(
                "declined",
                """
                Sorry: licensing Windows Server would raise prices for everyone, and we
                can't support it well with our small team. We're focusing on Linux.
                """,
            ),
        ),
    ),
    Seed(
        kind="idea",
        by="devon",
        title="A GraphQL API",
        age=63,
        tags=("api",),
        votes=2,
        body="Fetching instances with their volumes and IPs needs three REST calls today.",
        steps=(
            Move(
                "declined",
                """
                We'll keep one API, REST with OpenAPI, and add `?expand=volumes,ips` to
                the list endpoints instead.
                """,
            ),
            Respond(
                """
                Maintaining two APIs would slow down everything else. The `expand`
                parameter covers the case you describe in a single request; it's in the
                API changelog for next month.
                """
            ),
            Say("devon", "Expand would solve my actual problem, thanks."),
        ),
    ),
    Seed(
        kind="idea",
        by="priya",
        title="Scheduled scaling: fewer instances at night",
        age=10,
        tags=("performance",),
        votes=5,
        body="""
            Our traffic drops 80% between midnight and 6:00. A schedule for instance
            groups (min/max per time window) would cut the bill noticeably.
        """,
        steps=(Say("jen", "Combine it with the bulk stop/start idea and I'm sold."),),
    ),
    Seed(
        kind="idea",
        by="mei",
        title="Night theme for the web console",
        age=60,
        tags=("dashboard",),
        votes=3,
        body="Working late, the console is really bright. Could we get a night theme?",
        steps=(
            Say(
                "dana",
                """
                Thanks Mei! This is the same wish as "Dark mode for the dashboard",
                so we're merging it there: your vote moves with it.
                """,
            ),
            MergeInto("dark-mode"),
        ),
    ),
    Seed(
        kind="idea",
        by="jen",
        title="Cost breakdown by tag",
        age=6,
        tags=("billing", "dashboard"),
        votes=7,
        body="""
            We tag instances with `team:payments`, `team:search` and so on. The usage
            page should group costs by tag, so each team sees its own share.
        """,
        steps=(Say("luis", "With a CSV export, so finance can do chargebacks."),),
    ),
    Seed(
        kind="idea",
        by="casey",
        title="Copy button next to every IP address",
        age=3,
        tags=("dashboard",),
        votes=4,
        body="Selecting an IPv6 address with the mouse is fiddly. A small copy icon please!",
    ),
    Seed(
        kind="idea",
        by="aiko",
        title="GitHub Actions: an official deploy action",
        age=42,
        tags=("integrations",),
        votes=4,
        body="""
            Something like `uses: acme-cloud/deploy@v1` with an API token secret, so we
            don't all maintain our own shell scripts around the CLI.
        """,
        steps=(Say("luis", "Please support OIDC tokens from GitHub instead of long-lived keys."),),
    ),
    # Problems
    Seed(
        kind="problem",
        by="marco",
        title="Console takes 10+ seconds to load with 300 instances",
        age=68,
        tags=("performance", "dashboard"),
        votes=10,
        body="""
            Since the redesign, opening *Instances* in our main project takes 10-14
            seconds. The network tab shows `/api/v1/instances` returning quickly, then
            300 separate calls to `/metrics`.

            Browser: Firefox 128 and Chrome 126, both the same.
        """,
        steps=(
            Say("hannah", "Same here with ~180 instances, about 6 seconds."),
            Move("under_review", "Reproduced, thank you for the network details."),
            Say(
                "dana",
                """
                Found it: each row fetched its sparkline on its own. We're batching
                those into one request.
                """,
            ),
            Move("in_progress"),
            Move("done", "Fixed in today's release: the page makes 2 requests instead of 301."),
            Respond(
                """
                The instance list now loads sparklines in one batched request. For a
                project with 300 instances, load time went from ~11 s to under 1 s in our
                tests. Sorry it took a release to notice: we've added a large test project
                to our performance checks so this can't silently come back.
                """
            ),
            Say("marco", "Confirmed, 0.8 seconds now. Much better."),
        ),
    ),
    Seed(
        kind="problem",
        by="hannah",
        title="Invoice PDF shows our old VAT number",
        age=42,
        tags=("billing",),
        votes=2,
        body="""
            I updated our VAT number in *Billing → Details* on the 2nd, but the invoice
            generated on the 5th still shows the old one.
        """,
        steps=(
            Move("in_progress", "Confirmed: a cache wasn't cleared on change."),
            Move("done", "Fixed, and we re-issued the affected invoices."),
        ),
    ),
    Seed(
        key="mobile-logout",
        kind="problem",
        by="priya",
        title="Mobile app logs me out every day",
        age=33,
        tags=("mobile-app",),
        votes=8,
        body="""
            iPhone 15, app version 4.2.1. Every morning I have to sign in again, with 2FA.
            Android friends say the same. It used to remember me for weeks.
        """,
        steps=(
            Say("oliver", "Same on Pixel 8 since 4.2."),
            Move("under_review"),
            Say(
                "dana",
                """
                Thanks, we can reproduce it: the refresh token is rotated but the new one
                isn't always saved. A fix is in review.
                """,
            ),
            Move("in_progress"),
        ),
    ),
    Seed(
        kind="problem",
        by="devon",
        title="API returns 500 when a tag contains a slash",
        age=27,
        tags=("api",),
        votes=3,
        body="""
            ```
            curl -X POST https://api.acme.cloud/v1/instances/123/tags \\
              -H "Authorization: Bearer $TOKEN" -d '{"tag": "team/payments"}'
            ```
            returns `500 Internal Server Error`. Without the slash it works.
        """,
        steps=(
            Move(
                "done",
                """
                Fixed: slashes are allowed in tags now, and invalid tags get a 422 with a
                message instead of a 500.
                """,
            ),
            Say("devon", "Works, thanks for the quick fix."),
        ),
    ),
    Seed(
        kind="problem",
        by="tomasz",
        title="Graphs show UTC although my profile says Europe/Warsaw",
        age=20,
        tags=("dashboard",),
        votes=5,
        body="""
            The CPU graph's x-axis is in UTC, while the event list below it uses my time
            zone. Spikes and events are two hours apart, which is confusing.
        """,
        steps=(Move("planned", "The new graph library will use your time zone everywhere."),),
    ),
    Seed(
        kind="problem",
        by="luis",
        title="Password reset email arrives 20 minutes late",
        age=12,
        tags=("security",),
        votes=4,
        body="Tried three times today; by the time the email arrives the link has expired.",
        steps=(
            Say("noah", "Gmail here, arrived after about 15 minutes."),
            Move("under_review", "We're checking with our email provider."),
        ),
    ),
    Seed(
        kind="problem",
        by="jen",
        title="Snapshot restore stuck at 'Preparing' for hours",
        age=8,
        votes=3,
        body="""
            Restoring snapshot `snap-7f3a` (120 GB) into a new volume in `fra1` has shown
            *Preparing* for 5 hours. Smaller snapshots restore in minutes.
        """,
        steps=(
            Say(
                "dana",
                """
                Sorry about that. Large restores in fra1 are queued behind a storage
                migration. We've moved yours forward; it should finish within the hour.
                """,
            ),
            Move("in_progress", "Working on restores no longer waiting behind migrations."),
            Say("jen", "It finished, thanks. Still would love a progress percentage."),
        ),
    ),
    Seed(
        kind="problem",
        by="casey",
        title="Usage CSV export stops at 10,000 rows",
        age=5,
        tags=("billing",),
        votes=2,
        body="""
            Exporting last month's usage gives exactly 10,000 rows and no warning. Our
            real count is around 14,000, so the totals don't match the invoice.
        """,
    ),
    Seed(
        kind="problem",
        by="noah",
        title="`acme login` fails behind a corporate proxy",
        age=16,
        tags=("api",),
        votes=2,
        body="""
            ```
            $ acme login
            Error: dial tcp 203.0.113.10:443: i/o timeout
            ```
            `curl` works through our proxy, so `HTTPS_PROXY` is set correctly.
        """,
        steps=(
            Say(
                "luis",
                """
                Workaround: `acme login --device` prints a code you can enter in a
                browser, and the API calls afterwards respect `HTTPS_PROXY`.
                """,
            ),
            Reply("noah", "That works, thank you Luis!"),
        ),
    ),
    Seed(
        kind="problem",
        by="mei",
        title="Typo on the pricing page: 'recieve'",
        age=2,
        tags=("docs",),
        votes=0,
        body='Under *Object storage*: "You recieve 250 GB free".',
        steps=(Move("done", "Fixed, thank you for the sharp eyes."),),
    ),
    Seed(
        kind="problem",
        by="fatima",
        title="Android app crashes when I open an incident notification",
        age=4,
        tags=("mobile-app",),
        votes=6,
        body="""
            Samsung Galaxy S23, Android 14, app 4.3.0. Tapping the notification opens
            the app and it closes immediately. Opening the incident from inside the app
            works.
        """,
        steps=(
            Say("oliver", "Same on a Pixel 7."),
            Move("under_review", "We can see the crash reports; looking into it."),
        ),
    ),
    Seed(
        kind="problem",
        by="aiko",
        title="Load balancer health checks ignore the custom port",
        age=52,
        tags=("performance",),
        votes=4,
        body="""
            I set the health check port to 8081, but the checks still go to 80, so all
            backends show as unhealthy.
        """,
        steps=(
            Move("in_progress"),
            Move("done", "Fixed: the port setting is now applied on save."),
        ),
    ),
    Seed(
        kind="problem",
        by="ines",
        title="Docs example for object storage uses a removed endpoint",
        age=9,
        tags=("docs",),
        votes=1,
        body="""
            The Python example in *Object storage → Quick start* uses
            `https://storage.acme.cloud`, which returns 404. The console shows
            `https://objects.acme.cloud`.
        """,
    ),
    Seed(
        kind="problem",
        by="hannah",
        title="Can't remove an expired card from billing settings",
        age=1,
        tags=("billing",),
        votes=3,
        body="""
            The delete icon next to an expired card shows a spinner and nothing happens.
            The card is not the default one.
        """,
    ),
    Seed(
        kind="problem",
        by="marco",
        title="Have to sign in to the iOS app again every morning",
        age=25,
        tags=("mobile-app",),
        votes=3,
        body="Since yesterday's update the app forgets my session overnight.",
        steps=(
            Say(
                "dana", 'Thanks Marco, this is the same bug as "Mobile app logs me out every day".'
            ),
            MergeInto("mobile-logout"),
        ),
    ),
    # Questions
    Seed(
        kind="question",
        by="noah",
        title="How do I move an instance to another region?",
        age=83,
        votes=6,
        body="""
            We started in `ams1`, but most of our users are in Germany. Can I move a
            running instance to `fra1` without rebuilding it?
        """,
        steps=(
            Say(
                "hannah",
                """
                There is no *move* button, but this worked for us:

                1. Take a snapshot of the instance.
                2. *Snapshots → Copy to region* → `fra1`.
                3. Create a new instance from the copied snapshot.
                4. Switch your DNS or floating IP, then delete the old one.

                Downtime was a few minutes.
                """,
            ),
            Reply("noah", "Did the IP address change?"),
            Reply("hannah", "Yes, IPs belong to a region. A floating IP makes the switch easy."),
            Accept(0),
            Say("dana", "Hannah's steps are exactly right. We'll add them to the docs."),
        ),
    ),
    Seed(
        kind="question",
        by="devon",
        title="What is the API rate limit, and what happens when I hit it?",
        age=57,
        tags=("api", "docs"),
        votes=5,
        body="Our sync job makes a few thousand calls per hour. Should we worry?",
        steps=(
            Say(
                "dana",
                """
                The limit is **3,600 requests per hour per token**, with bursts of up to
                100 per 10 seconds. Past that you get `429 Too Many Requests` with a
                `Retry-After` header; nothing else happens. Every response carries
                `RateLimit-Remaining` so you can slow down before hitting it.
                """,
            ),
            Reply("devon", "Perfect, we'll read the header. Thanks!"),
            Accept(0),
            Respond(
                """
                Rate limits are now documented in the API reference, including the headers
                and how to ask for a higher limit for large accounts.
                """
            ),
        ),
    ),
    Seed(
        kind="question",
        by="fatima",
        title="Do you offer a data processing agreement (GDPR)?",
        age=46,
        tags=("security",),
        votes=3,
        body="Our legal team needs a signed DPA before we can move customer data.",
        steps=(
            Respond(
                """
                Yes. The DPA is part of our terms and can be accepted with one click under
                *Organisation → Legal*; you can download the countersigned PDF there. Our
                list of sub-processors is public and we announce changes 30 days ahead.
                """,
                by="morgan",
            ),
            Say("fatima", "Found it, thanks. That was easier than expected."),
        ),
    ),
    Seed(
        kind="question",
        by="ines",
        title="Can invoices be addressed to a different company than the account owner?",
        age=31,
        tags=("billing",),
        votes=2,
        body="Our agency runs the account, but the client pays.",
        steps=(
            Say(
                "dana",
                """
                Yes: under *Billing → Details* you can set a separate billing name,
                address and VAT number. Each organisation can have its own, so one per
                client works well.
                """,
            ),
            Accept(0),
        ),
    ),
    Seed(
        kind="question",
        by="casey",
        title="What's the difference between 'stop' and 'hibernate'?",
        age=24,
        tags=("docs",),
        votes=4,
        body="Both options appear in the instance menu. Which one stops the billing?",
        steps=(
            Say(
                "priya",
                """
                *Stop* shuts the machine down: you pay for the disk only. *Hibernate*
                saves the memory to disk too, so it resumes where it left off, and you
                pay for that extra disk space.
                """,
            ),
            Say("dana", "Exactly. Neither bills for CPU while the instance isn't running."),
            Accept(0),
        ),
    ),
    Seed(
        kind="question",
        by="luis",
        title="Which PostgreSQL versions does Acme Postgres support?",
        age=15,
        votes=3,
        body="And how long do you keep supporting a version after it is released?",
        steps=(
            Respond(
                """
                Today: **PostgreSQL 14, 15, 16 and 17**. We add a major version within
                three months of its release and support it until the PostgreSQL project
                ends it. Minor updates are applied automatically in your maintenance
                window.
                """
            ),
        ),
    ),
    Seed(
        kind="question",
        by="aiko",
        title="Can I use my own TLS certificate on a load balancer?",
        age=7,
        votes=1,
        body="We have an EV certificate we're required to use.",
        steps=(
            Say("dana", "Yes: *Load balancer → Listeners → Certificate → Upload*."),
            Reply("aiko", "Great, found it."),
        ),
    ),
    Seed(
        kind="question",
        by="oliver",
        title="Is the mobile app open source?",
        age=11,
        tags=("mobile-app",),
        votes=0,
        body="I'd like to check what it stores on my phone.",
        steps=(
            Say(
                "dana",
                """
                Not yet, but it only stores your session token (in the system keychain)
                and cached status. We'll publish a full data sheet in the docs.
                """,
            ),
        ),
    ),
    Seed(
        kind="question",
        by="mei",
        title="How is bandwidth beyond the included amount billed?",
        age=3,
        tags=("billing",),
        votes=2,
        body="Is it per instance, or pooled across the organisation?",
    ),
    Seed(
        kind="question",
        by="tomasz",
        title="Can Terraform import existing instances?",
        age=0.5,
        tags=("integrations",),
        votes=1,
        body="We created 40 instances by hand before adopting Terraform.",
    ),
    # Praise
    Seed(
        kind="praise",
        by="jen",
        title="Support fixed our outage at 3 a.m.",
        age=92,
        votes=9,
        body="""
            Our database volume filled up in the middle of the night. The on-call
            engineer answered within four minutes, explained exactly what happened and
            helped us resize without losing anything. Thank you, whoever that was.
        """,
        steps=(
            Say("dana", "That was Ravi, and he was very happy to read this. Thank you, Jen!"),
            Say("priya", "Had a similar experience last month. Support is the reason we stay."),
        ),
    ),
    Seed(
        kind="praise",
        by="priya",
        title="The new instance creation flow is so much faster",
        age=38,
        tags=("dashboard",),
        votes=5,
        body="One page instead of five steps, and the price is shown before I click Create.",
    ),
    Seed(
        kind="praise",
        by="luis",
        title="Migrating from our old host took one afternoon",
        age=71,
        votes=4,
        body="""
            The migration guide was spot on. 12 instances and a database, done before
            dinner, and our bill went down by a third.
        """,
        steps=(Say("dana", "Love hearing this. Enjoy the dinner!"),),
    ),
    Seed(
        kind="praise",
        by="tomasz",
        title="Thank you for the honest incident write-up",
        age=53,
        votes=7,
        body="""
            The postmortem for last week's fra1 network outage was clear, admitted the
            mistake and listed concrete fixes with dates. That's why we trust you.
        """,
        steps=(
            Say("fatima", "Agreed, more providers should write like this."),
            Respond(
                """
                Thank you. We publish a postmortem for every incident that affects
                customers, and we'll post an update here when each fix from that one has
                shipped.
                """,
                by="morgan",
            ),
        ),
    ),
    Seed(
        kind="praise",
        by="devon",
        title="The CLI is a joy to use",
        age=19,
        tags=("api",),
        votes=3,
        body="Helpful errors, shell completion, and `acme ssh` just works. Nice job.",
    ),
    Seed(
        kind="praise",
        by="ines",
        title="Billing is finally understandable",
        age=13,
        tags=("billing",),
        votes=2,
        body="The new invoice breaks costs down per project. Our finance team noticed.",
    ),
    Seed(
        kind="praise",
        by="oliver",
        title="The incident view in the app saved my weekend",
        age=4,
        tags=("mobile-app",),
        votes=3,
        body="Saw the upstream incident on my phone and knew it wasn't our code. Slept well.",
    ),
    Seed(
        kind="praise",
        by="hannah",
        title="The managed Postgres docs are excellent",
        age=26,
        tags=("docs",),
        votes=2,
        body="Especially the page on connection pooling. Clear, with real numbers.",
    ),
)
