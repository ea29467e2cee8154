"""Phones: every page a member reaches from the sidebar and the home page (and one page of each kind
linked from those: a policy, a content item, a member, ...) fits 390 px without scrolling sideways, for
each role of a demo organization (`manage.py seed_demo`). Wide content (tables, fingerprints, code) scrolls
or wraps inside its card. Screenshots: tests/screenshots/phone-<role>-<page>.png."""

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

PHONE = {"width": 390, "height": 844}
SLUG = "acme"
SKIP = ("/static/", "/media/", "/l/", "/accounts/logout/", "/api/")  # files, redirects out, sign-out, the API
DETAIL_KINDS_PER_ROLE = 12  # of the pages linked from the first ones, one per kind of address

LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
OVERFLOW = """() => {
  const width = window.innerWidth;
  const right = (el) => el.getBoundingClientRect().right;
  const scrolls = (el) => getComputedStyle(el).overflowX !== 'visible';
  const named = (el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim() ?
      '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const sticking = [];  // what pokes out of its card (a button past the card's edge) without widening the page
  for (const card of document.querySelectorAll('.card')) {
    const edge = right(card) + 1;
    for (const el of card.querySelectorAll('*')) {
      if (right(el) <= edge || el.getBoundingClientRect().width === 0) continue;
      let inside = false;
      for (let p = el.parentElement; p && p !== card; p = p.parentElement) if (scrolls(p)) { inside = true; break; }
      if (inside || getComputedStyle(el).position === 'absolute') continue;
      sticking.push(named(el) + ' ' + Math.round(right(el) - edge + 1) + 'px out');
    }
  }
  if (document.documentElement.scrollWidth <= width) return sticking.length ? {sticking: sticking.slice(0, 6)} : null;
  const culprits = [];  // the elements wider than their container: where the overflow starts
  for (const el of document.querySelectorAll('body *')) {
    const parent = el.parentElement;
    if (right(el) <= width + 1 || right(parent) > width + 1 || el.getBoundingClientRect().width === 0) continue;
    let inside = false;  // within a box that scrolls sideways (a table's wrapper): that is fine
    for (let p = parent; p && p !== document.body; p = p.parentElement) if (scrolls(p)) { inside = true; break; }
    if (inside) continue;
    culprits.push(named(el) + ' ' + Math.round(right(el)) + 'px');
  }
  return {width: document.documentElement.scrollWidth, culprits: culprits.slice(0, 8), sticking: sticking.slice(0, 6)};
}"""


def kind(path: str) -> str:
    """/o/acme/policies/12/ and /o/acme/policies/13/ are one kind of page."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlparse(path).path)


def wanted(href: str | None) -> bool:
    return bool(href) and href.startswith("/") and not href.startswith(SKIP) and not href.startswith("//")


def signed_in_context(browser, base, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    context.set_default_timeout(15_000)
    host = urlparse(base).hostname
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "domain": host, "path": "/"}]
    )  # fmt: skip
    return context


def test_every_page_a_member_reaches_fits_a_phone(browser, live_server, screenshot):
    call_command("seed_demo", verbosity=0)
    started = time.monotonic()
    overflowing, visited, personal = {}, 0, set()  # personal: account pages, the same for every role
    for role, *_ in ROLE_PEOPLE:
        user = get_user_model().objects.get(email=f"{role}@{SLUG}.example")
        context = signed_in_context(browser, live_server.url, user)
        page = context.new_page()
        try:
            page.goto(f"{live_server.url}/o/{SLUG}/")
            first = [h.split("#")[0] for h in page.evaluate(LINKS) if wanted(h)]
            queue, seen_kinds, details = list(dict.fromkeys([f"/o/{SLUG}/", *first])), set(), 0
            for path in queue:
                if kind(path) in seen_kinds or path in personal:
                    continue
                seen_kinds.add(kind(path))
                if not path.startswith("/o/"):
                    personal.add(path)
                response = page.goto(live_server.url + path)
                assert response.ok, (role, path, response.status)
                visited += 1
                name = kind(path).strip("/").replace("/", "-").replace("o-acme", "").strip("-") or "home"
                screenshot(page, f"phone-{role}-{name}")
                problem = page.evaluate(OVERFLOW)
                if problem:
                    overflowing[f"{role} {path}"] = problem
                if path in first:  # one level further: one page of each kind these link to
                    for href in page.evaluate(LINKS):
                        if wanted(href) and details < DETAIL_KINDS_PER_ROLE and kind(href) not in seen_kinds:
                            if href.split("#")[0] not in queue:
                                queue.append(href.split("#")[0])
                                details += 1
        finally:
            context.close()
    print(f"phone walk: {visited} pages in {time.monotonic() - started:.1f} s")  # reported, not asserted
    assert overflowing == {}, "wider than 390 px, or sticking out of a card: " + repr(overflowing)
    assert visited >= 4 * 10, visited  # the walk saw the real menus


def test_every_table_scrolls_inside_its_card():
    """A data table sits in a .table-wrap (overflow-x: auto): on a phone it scrolls, the page does not."""
    templates = Path(settings.BASE_DIR) / "templates"
    bare = []
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<table class="table[ "]', text):
            if "table-wrap" not in text[max(0, match.start() - 80) : match.start()]:
                bare.append(f"{path.relative_to(templates)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert bare == []
