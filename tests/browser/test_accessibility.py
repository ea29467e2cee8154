"""Accessibility: axe-core (WCAG 2.0/2.1 A and AA rules, plus label-content-name-mismatch, which axe still
files as experimental) on every page each role of a demo organization (`manage.py seed_demo`) reaches from
the sidebar and the home page, and on one page of each kind those link to (a policy, a content item, a
member, ...), at desktop width and at 390 px. Any violation fails the test, with the rule, the page and the
first elements it found. Beyond axe: references to ids not on the page (aria-describedby, label for) and
focus rings under 3:1. One browser; one signed-in context per role with a desktop tab and a 390 px tab that
check the same page at once; a page whose menus and main part were both checked already is skipped.

axe-core comes from the package index (axe-playwright-python ships axe.min.js); no network."""

import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from advocacy.demo import ROLE_PEOPLE

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "acme"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SKIP = ("/static/", "/media/", "/l/", "/accounts/logout/", "/api/")  # files, redirects out, sign-out, the API
DETAIL_KINDS_PER_ROLE = 8  # pages linked from the first ones, one per kind of address
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {"label-content-name-mismatch": {"enabled": True}},  # WCAG 2.5.3, "experimental" in axe
    "resultTypes": ["violations"],
    "reporter": "no-passes",  # build the violations only: half the time of the default report
    "iframes": False,
}
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# Beyond axe: references to ids that are not on the page (axe lets aria-describedby point nowhere).
MISSING_IDREFS = """() => {
  const missing = [];
  const attrs = ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage', 'aria-owns'];
  for (const attr of attrs) for (const el of document.querySelectorAll(`[${attr}]`))
    for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean))
      if (!document.getElementById(id)) missing.push(`${el.tagName.toLowerCase()}[name=${el.name}] ${attr}=${id}`);
  for (const label of document.querySelectorAll('label[for]'))
    if (!document.getElementById(label.htmlFor)) missing.push(`label for=${label.htmlFor}`);
  return missing;
}"""
# Beyond axe (which does not measure focus indicators): the first control of each kind, focused, shows a
# ring of at least 3:1 against what is behind it (WCAG 1.4.11 and 2.4.7).
FOCUS_RINGS = """() => {
  const lum = (rgb) => { const c = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255)
    .map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const opaque = (rgb) => { const a = rgb.match(/[\\d.]+/g); return a.length < 4 || Number(a[3]) > 0; };
  const behind = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    const bg = getComputedStyle(p).backgroundColor; if (opaque(bg)) return bg; } return 'rgb(255, 255, 255)'; };
  const kinds = {checkbox: 'input[type=checkbox]', radio: 'input[type=radio]', select: 'select', textarea: 'textarea',
    text: 'input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file])', button: 'main button',
    link: 'main a[href]', summary: 'summary'};
  const problems = [];
  for (const [kind, selector] of Object.entries(kinds)) {
    const el = [...document.querySelectorAll(selector)]
      .find((e) => e.checkVisibility() && e.offsetParent !== null && !e.disabled);
    if (!el) continue;
    el.focus({focusVisible: true});
    const style = getComputedStyle(el);
    let color = null;
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) color = style.outlineColor;
    else if (style.boxShadow !== 'none') color = style.boxShadow.match(/rgba?\\([^)]*\\)/)[0];
    const [a, b] = color ? [lum(color), lum(behind(el))] : [0, 0];
    const ratio = color ? (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) : 0;
    if (ratio < 3) problems.push(`${kind} ${el.outerHTML.slice(0, 80)}: ring ${color} ${ratio.toFixed(2)}:1`);
    el.blur();
  }
  return problems;
}"""


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def kind(path: str) -> str:
    """/o/acme/policies/12/ and /o/acme/policies/13/ are one kind of page."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlparse(path).path)


# files, not pages: CSV exports and bundles, calendar files and feeds
DOWNLOADS = re.compile(r"(export|\.ics|\.csv|\.zip|calendar|download)", re.IGNORECASE)


def wanted(href: str | None) -> bool:
    return (
        bool(href)
        and href.startswith("/")
        and not href.startswith(SKIP)
        and not href.startswith("//")
        and not DOWNLOADS.search(href)
    )


def signed_in_context(browser, base, user, script):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1, reduced_motion="reduce")
    context.set_default_timeout(15_000)
    context.add_init_script(script)  # axe-core loads with each page, not sent over for every check
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "domain": urlparse(base).hostname, "path": "/"}]
    )  # fmt: skip
    return context


# axe works synchronously for most of a run: started from a timer, it runs in the tab's renderer while this
# test goes on (loading the other tab), and the result is collected afterwards.
START_AXE = """({exclude, ...options}) => {
  const context = exclude ? {include: [document], exclude: exclude.map((selector) => [selector])} : document;
  window.__axe = new Promise((start) => setTimeout(start, 0)).then(() => axe.run(context, options));
}"""
AXE_RESULT = "() => window.__axe"


def run_axe(page, script=None) -> list[dict]:
    if script is not None:
        page.evaluate(script)
    results = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    return results["violations"]


def describe(violation) -> str:
    nodes = violation["nodes"]
    where = "; ".join(" ".join(str(part) for part in n["target"]) for n in nodes[:3])
    return f"{violation['id']} ({len(nodes)}): {violation['help']} — {where}"


def beyond_axe(page) -> list[tuple[str, int, str]]:
    found = []
    for rule, script in (("idref-missing", MISSING_IDREFS), ("focus-ring-contrast", FOCUS_RINGS)):
        problems = page.evaluate(script)
        if problems:
            found.append((rule, len(problems), f"{rule} ({len(problems)}): " + "; ".join(problems[:3])))
    return found


def pages_for(page, base) -> list[str]:
    """Home and the pages the sidebar and the home page link to."""
    page.goto(f"{base}/o/{SLUG}/")
    first = [h.split("#")[0] for h in page.evaluate(LINKS) if wanted(h)]
    return list(dict.fromkeys([f"/o/{SLUG}/", *first]))


# What a page is made of: its chrome (top bar, sidebar: the same on every page of a role) and its main part,
# without the per-request CSRF tokens. A page whose parts were both checked already (the same list seen by
# two roles, the same menus on every page) is the same DOM and the same CSS: axe would find the same.
PARTS = """() => {
  const text = (el) => el ? el.outerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, '') : '';
  return [text(document.querySelector('.topbar')) + text(document.querySelector('.sidebar')),
          text(document.querySelector('main'))];
}"""


def check_page(tabs, role, path, base, failures, counts, seen_parts: set) -> int:
    """Load the page in the desktop tab and the phone tab and check both, unless all its parts were checked
    already; the number of views checked. axe runs in both tabs at once (two renderers)."""
    desktop, phone = tabs
    response = desktop.goto(base + path)
    assert response.ok, (role, path, response.status)
    chrome, main = (hash(part) for part in desktop.evaluate(PARTS))
    if {chrome, main} <= seen_parts:
        return 0
    # the menus checked already on an earlier page of this role: this time only the page's own part
    options = AXE_OPTIONS if chrome not in seen_parts else {**AXE_OPTIONS, "exclude": [".topbar", ".sidebar"]}
    seen_parts |= {chrome, main}
    desktop.evaluate(START_AXE, options)  # runs while the phone tab loads
    assert phone.goto(base + path).ok
    phone.evaluate(NEXT_FRAME)  # laid out, its scripts done
    phone.evaluate(START_AXE, options)
    found = {"desktop": [], "390px": []}
    for width, tab in (("desktop", desktop), ("390px", phone)):
        found[width] = [(v["id"], len(v["nodes"]), describe(v)) for v in tab.evaluate(AXE_RESULT)["violations"]]
    found["desktop"] += beyond_axe(desktop)  # focuses things: after axe is done with the page
    for width, problems in found.items():
        for rule, nodes, text in problems:
            failures.setdefault(f"{role} {width} {path}", []).append(text)
            counts[rule] = counts.get(rule, 0) + nodes
    return 2


def test_every_page_each_role_reaches_passes_axe_at_both_widths(browser, live_server):
    """Every role: home and every page its sidebar and home page link to. Then one page of each kind those
    link to (a policy, an item, a member...), each kind once across the roles (the same template)."""
    call_command("seed_demo", verbosity=0)
    script = axe_script()
    started = time.monotonic()
    failures: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    checked, detail_kinds, seen_parts, visited = 0, set(), set(), 0
    for role, *_ in ROLE_PEOPLE:
        user = get_user_model().objects.get(email=f"{role}@{SLUG}.example")
        context = signed_in_context(browser, live_server.url, user, script)
        tabs = (context.new_page(), context.new_page())
        tabs[1].set_viewport_size(PHONE)
        try:
            first = pages_for(tabs[0], live_server.url)
            first_kinds = {kind(path) for path in first}
            details: list[str] = []
            for path in first:
                if kind(path) not in first_kinds:
                    continue
                first_kinds.discard(kind(path))
                checked += check_page(tabs, role, path, live_server.url, failures, counts, seen_parts)
                visited += 1
                for href in tabs[0].evaluate(LINKS):  # one level further
                    href = (href or "").split("#")[0]
                    new_kind = kind(href) not in detail_kinds and all(kind(href) != kind(p) for p in first)
                    if wanted(href) and new_kind and len(details) < DETAIL_KINDS_PER_ROLE:
                        detail_kinds.add(kind(href))
                        details.append(href)
            for path in details:
                checked += check_page(tabs, role, path, live_server.url, failures, counts, seen_parts)
                visited += 1
        finally:
            context.close()
    elapsed = time.monotonic() - started
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in failures.items())
    print(f"axe sweep: {visited} pages ({len(detail_kinds)} linked from the menus), {checked} views checked")
    print(f"in {elapsed:.1f} s; violations by rule (nodes): {counts}")
    assert failures == {}, f"axe found WCAG A/AA violations ({counts}) on {len(failures)} page views:\n{report}"
    assert visited >= 4 * 10 and checked >= 2 * 30, (visited, checked)  # the real menus of the four roles


def test_the_sweep_catches_what_it_looks_for(browser, live_server, new_page):
    """The sweep is not blind: a page with known failures (an unlabelled field, a summary whose aria-label
    hides its visible text, a link told apart by colour only, help text that is not there, a pale focus
    ring) is reported by the same checks."""
    page = new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => {
        const input = document.createElement('input'); input.type = 'text'; document.body.prepend(input);
        input.setAttribute('aria-describedby', 'id_nowhere_helptext');
        const details = document.createElement('details'); const summary = document.createElement('summary');
        summary.textContent = 'Acme Corporation'; summary.setAttribute('aria-label', 'Switch organization');
        details.append(summary); document.body.prepend(details);
        const box = document.createElement('input'); box.type = 'checkbox'; box.style.outline = '2px solid #c7d2fe';
        document.querySelector('main').prepend(box);
    }"""
    )
    found = {v["id"] for v in run_axe(page, script=axe_script())}
    assert {"label", "label-content-name-mismatch"} <= found, found
    assert {rule for rule, *_ in beyond_axe(page)} == {"idref-missing", "focus-ring-contrast"}
