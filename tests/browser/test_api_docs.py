"""The interactive API page renders in a real browser under the site's strict Content-Security-Policy,
loads nothing from another origin, and can call the API with the signed-in session."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_without_csp_violations(org, admin, sign_in, screenshot):
    page = sign_in(admin)
    violations, requests, errors = [], [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: requests.append(req.url))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on("console", lambda msg: violations.append(msg.text) if msg.text.startswith("CSP violation") else None)

    page.goto(page.base + "/api/docs/")
    page.wait_for_selector(".opblock-tag-section", timeout=20_000)
    assert page.get_by_text("Advocacy API").first.is_visible()
    for tag in ("members", "teams", "invitations", "organization", "me"):
        assert page.locator(f"#operations-tag-{tag}").count() == 1, tag

    # Try an endpoint from the page with the session: the same origin, a real 200.
    page.locator("#operations-me-me_retrieve .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.wait_for_selector("#operations-me-me_retrieve .live-responses-table tbody .response-col_status")
    status = page.locator(
        "#operations-me-me_retrieve .live-responses-table tbody .response-col_status"
    ).first.inner_text()
    assert status.strip() == "200"
    screenshot(page, "api-docs")

    assert violations == []
    assert [e for e in errors if "Refused" in e or "Content Security Policy" in e] == []
    assert requests and all(url.startswith(page.base) or url.startswith("data:") for url in requests), [
        url for url in requests if not url.startswith(page.base)
    ]
