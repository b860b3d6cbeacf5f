#!/usr/bin/python3
"""The web console in a real browser: headless Debian chromium (chromedriver, python3-selenium)
against the built daemon, on SQLite, or on PostgreSQL when run with --postgres (VIGIL_TEST_PG_URL).

Checks what issue #21 asks: a wrong token refused and the right one accepted; a signed webhook sent
meanwhile appears in the events list without a reload; a notification dismissed in the page is
`dismissed` in the database; a discarded job retried from the page runs; a watcher created with a bad
cron shows the error beside the field and is not saved; a cross-site POST without the CSRF token is
refused; the CSP header is present and the console runs under it with no browser console errors.
With VIGIL_CONSOLE_SCREENSHOTS=DIR every page is saved at 1280x800 and 375 px wide
(console-<page>-<width>.png); docs/img holds the current ones (docs/console.md).

Run: /usr/bin/python3 tests/browser/test_console.py [--postgres] [-v]   (ctest: console_browser_sqlite,
console_browser_postgres; VIGIL_BINARY defaults to build/vigil)
"""

import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PG_URL, TOKEN, Browser, Daemon, Database, remove, temp_folder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

DIALECT = "postgres" if "--postgres" in sys.argv else "sqlite"
SCREENSHOTS = os.environ.get("VIGIL_CONSOLE_SCREENSHOTS", "")
PAGES = [("overview", "#/overview"), ("notifications", "#/notifications?status="), ("events", "#/events"),
         ("watchers", "#/watchers"), ("watcher-form", "#/watchers/new"), ("jobs", "#/jobs"), ("digests", "#/digests")]
# Answers the tests ask for on purpose; chromium logs each failed request as an error.
EXPECTED_FAILURES = [re.compile(p) for p in (r"/api/v1/session .*401", r"/api/v1/watchers .*400")]


class ConsoleInTheBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = temp_folder()
        cls.db = Database(DIALECT, cls.folder)
        cls.daemon = Daemon(cls.folder, cls.db.url)
        cls.browser = Browser()
        cls.driver = cls.browser.driver

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.daemon.stop()
        cls.db.drop()
        remove(cls.folder)

    # --- helpers -------------------------------------------------------------------------------------

    def open(self, hash_):
        self.driver.get(f"{self.daemon.base}/ui/{hash_}")

    def sign_in(self, token):
        field = self.browser.find("#token")
        field.clear()
        field.send_keys(token, Keys.ENTER)

    def ensure_signed_in(self):
        self.open("")  # no hash, so that go() to any page changes it
        self.browser.wait("the sign-in form or the console", lambda: self.driver.find_elements(By.CSS_SELECTOR, "#token, nav[aria-label=Main]"))
        if self.driver.find_elements(By.CSS_SELECTOR, "#token"):
            self.sign_in(TOKEN)
        self.browser.find("nav[aria-label=Main]")

    def go(self, hash_, ready_css):
        """Navigates inside the page (no reload) and waits for `ready_css` on the new page."""
        self.driver.execute_script("for (const c of document.querySelectorAll('main > *')) c.dataset.stale = '1';"
                                   "location.hash = arguments[0]", hash_)
        self.browser.wait(f"{hash_} to replace the page", lambda: not self.driver.find_elements(By.CSS_SELECTOR, "main > [data-stale]"))
        return self.browser.find(ready_css)

    def shoot(self, name):
        if not SCREENSHOTS:
            return
        os.makedirs(SCREENSHOTS, exist_ok=True)
        for width in (1280, 375):
            self.browser.size(width)
            self.driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
            time.sleep(0.4)
            self.driver.save_screenshot(os.path.join(SCREENSHOTS, f"console-{name}-{width}.png"))
        self.browser.size(1280)
        if name in ("overview", "notifications"):  # the dark scheme, as a system set to dark shows it
            self.browser.color_scheme("dark")
            time.sleep(0.3)
            self.driver.save_screenshot(os.path.join(SCREENSHOTS, f"console-{name}-1280-dark.png"))
            self.browser.color_scheme("light")

    def click(self, css, xpath):
        """Clicks `xpath` inside `css`, found again if a live update redrew it meanwhile."""
        for _ in range(50):
            try:
                self.browser.find(css).find_element(By.XPATH, xpath).click()
                return
            except StaleElementReferenceException:
                time.sleep(0.1)
        self.fail(f"{css} {xpath} kept being redrawn")

    def keys(self, text):
        """Typed at whatever has the focus, as a person would."""
        ActionChains(self.driver).send_keys(text).perform()

    def job(self, job_id):
        return self.db.one("SELECT state, attempt FROM vigil_jobs WHERE id = %s", job_id)

    # --- the checks, in order (one daemon and one browser for all) -----------------------------------

    def test_01_a_wrong_token_is_refused_and_the_right_one_accepted(self):
        self.open("")
        field = self.browser.find("#token")
        self.shoot("signin")
        self.sign_in(TOKEN + "x")
        self.browser.wait("the refusal", lambda: "not this daemon's api.token" in self.browser.text_of("#signin-error"))
        self.assertEqual(field.get_attribute("aria-invalid"), "true")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "nav[aria-label=Main]"), "the console showed after a wrong token")
        self.assertIsNone(self.driver.get_cookie("vigil_session"))
        self.sign_in(TOKEN)
        self.browser.find("nav[aria-label=Main]")
        cookie = self.driver.get_cookie("vigil_session")
        self.assertTrue(cookie and cookie["httpOnly"], cookie)
        self.assertEqual(cookie.get("sameSite"), "Strict")

    def test_02_a_signed_webhook_appears_in_the_events_list_without_a_reload(self):
        self.ensure_signed_in()
        self.go("#/events", "table.events tbody")
        self.browser.wait("the events list to load", lambda: self.driver.find_elements(By.CSS_SELECTOR, ".list-status p, table.events tbody tr"))
        self.driver.execute_script("window.__sameDocument = 'yes'")
        self.browser.wait("the live stream, or its fallback", lambda: self.driver.find_elements(By.CSS_SELECTOR, "#live-state[data-state=live], #live-state[data-state=off]"))
        title = "Tumor suppressor seen live " + str(time.time())
        event_id = self.daemon.signed_hook(title)
        row = self.browser.find(f"table.events tbody tr[data-id='{event_id}']")
        self.assertIn(title, row.text)
        self.assertEqual(self.driver.execute_script("return window.__sameDocument"), "yes", "the page was reloaded")

    def test_03_an_event_page_shows_the_raw_payload_pretty_printed_and_collapsible(self):
        self.ensure_signed_in()
        title = "Tumor suppressor in detail " + str(time.time())
        event_id = self.daemon.signed_hook(title)
        self.go(f"#/events/{event_id}", "main h1")
        self.browser.wait("the event page", lambda: title in self.browser.text_of("main h1"))
        self.browser.find("details.json")
        raw = self.driver.find_elements(By.CSS_SELECTOR, "details.json")[-1]
        self.assertIsNone(raw.get_attribute("open"), "the raw payload starts collapsed")
        raw.find_element(By.TAG_NAME, "summary").click()
        payload = raw.find_element(By.TAG_NAME, "pre").text
        self.assertIn('"summary": "from the browser test"', payload)
        self.assertIn('\n  "title": ', payload, "the raw payload is pretty-printed")
        self.shoot("event")

    def test_04_a_notification_dismissed_in_the_page_is_dismissed_in_the_database(self):
        self.ensure_signed_in()
        event_id = self.daemon.signed_hook("Tumor suppressor to dismiss " + str(time.time()))
        nid = self.daemon.wait_for("its notification", lambda: (self.db.one("SELECT id FROM notifications WHERE event_id = %s", event_id) or [None])[0])
        self.go("#/notifications?status=pending", "ol.cards")
        card = self.browser.find(f"ol.cards li[data-id='{nid}']")
        self.assertIn("Why:", card.text, "the triage reasoning is shown")
        # By keyboard: j moves to the first notification, until it is ours; d dismisses it.
        for _ in range(50):
            if self.driver.find_elements(By.CSS_SELECTOR, f"li[data-id='{nid}'][aria-current=true]"):
                break
            self.keys("j")
        self.browser.find(f"li[data-id='{nid}'][aria-current=true]")
        self.keys("d")
        self.daemon.wait_for("the dismissal in the database",
                             lambda: self.db.one("SELECT status FROM notifications WHERE id = %s", nid)[0] == "dismissed")
        self.browser.wait("the card to say dismissed", lambda: "dismissed" in self.browser.text_of(f"li[data-id='{nid}'] .meta"))
        self.keys("?")
        self.browser.find("dialog.help[open]")
        self.assertIn("dismiss", self.browser.text_of("dialog.help"))
        self.driver.find_element(By.CSS_SELECTOR, "dialog.help button").click()

    def test_05_a_discarded_job_retried_from_the_page_runs(self):
        self.ensure_signed_in()
        out = self.daemon.vigil("jobs", "enqueue", "noop", "--max-attempts", "1", "--args", '{"fail_attempts": 1}', "--json")
        job_id = json.loads(out)["ids"][0]
        self.daemon.wait_for("the job to be discarded", lambda: (self.job(job_id) or [None])[0] == "discarded")
        self.go("#/jobs", "h2#h-jobs")
        row = f"table.jobs tr[data-id='{job_id}']"
        self.browser.wait("the job listed as discarded", lambda: "discarded" in self.browser.text_of(row))
        self.click(row, ".//button[normalize-space()='Retry']")
        self.daemon.wait_for("the retried job to complete", lambda: self.job(job_id) == ("completed", 2))

    def test_06_a_watcher_with_a_bad_cron_shows_the_error_beside_the_field_and_is_not_saved(self):
        self.ensure_signed_in()
        self.go("#/watchers/new", "form.watcher-form")
        form = self.driver.find_element(By.CSS_SELECTOR, "form.watcher-form")
        form.find_element(By.NAME, "name").send_keys("bad-cron")
        form.find_element(By.CSS_SELECTOR, "select[name=type] option[value=scheduled]").click()
        form.find_element(By.NAME, "community").send_keys("oncology")
        form.find_element(By.NAME, "config.schedule").send_keys("61 * * * *")
        config = form.find_element(By.NAME, "config")
        config.clear()
        config.send_keys('{"emit": {"title": "tick"}}')
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        error = self.browser.find("#w-config-schedule-error:not(:empty)")
        self.assertTrue(error.text.strip(), "no message beside the schedule field")
        self.assertEqual(form.find_element(By.NAME, "config.schedule").get_attribute("aria-invalid"), "true")
        self.assertEqual(self.browser.text_of("#form-error"), "", "the message went to the form, not the field")
        self.assertIn("#/watchers/new", self.driver.current_url, "the form was left")
        self.assertIsNone(self.db.one("SELECT id FROM watchers WHERE name = %s", "bad-cron"), "the watcher was saved")
        self.assertNotIn("bad-cron", [w["name"] for w in self.daemon.api("GET", "/watchers")[1]["items"]])

    def test_07_a_cross_site_post_without_the_csrf_token_is_refused(self):
        self.ensure_signed_in()
        cookie = self.driver.get_cookie("vigil_session")
        self.assertIsNotNone(cookie)
        # What a forged form would send if a browser attached the cookie: no X-CSRF-Token.
        status, _, body = self.daemon.request("POST", "/api/v1/pauses", {"kind": "noop"}, {
            "Cookie": f"vigil_session={cookie['value']}", "Content-Type": "application/json",
            "Origin": "https://evil.example", "Referer": "https://evil.example/form"})
        self.assertEqual(status, 403, body)
        self.assertEqual(body, {"error": "missing or invalid CSRF token"})
        self.assertEqual(self.daemon.api("GET", "/pauses")[1]["items"], [], "the forged request paused something")
        # The page's own requests carry the token: pausing and resuming from the Jobs page works.
        self.go("#/jobs", "#pause-name")
        self.driver.find_element(By.CSS_SELECTOR, "#pause-name option[value=noop]").click()
        self.driver.find_element(By.XPATH, "//button[normalize-space()='Pause']").click()
        self.daemon.wait_for("the pause", lambda: self.daemon.api("GET", "/pauses")[1]["items"])
        self.browser.find("#h-pauses ~ div li button").click()  # Resume
        self.daemon.wait_for("the resume", lambda: self.daemon.api("GET", "/pauses")[1]["items"] == [])

    def test_08_every_page_runs_under_the_csp_without_console_errors(self):
        status, headers, _ = self.daemon.request("GET", "/ui/")
        self.assertEqual(status, 200)
        csp = headers.get("Content-Security-Policy", "")
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(headers.get("X-Frame-Options"), "DENY")
        self.ensure_signed_in()
        for name, hash_ in PAGES:
            self.go(hash_, "main h1")
            self.browser.wait(f"{name} to finish loading", lambda: not self.driver.find_elements(By.CSS_SELECTOR, "main [role=status].muted"))
            self.assertEqual(self.driver.execute_script("return document.querySelector('main h1') !== null"), True, name)
            self.shoot(name)
        errors = [e for e in self.browser.collect_log()
                  if e["level"] == "SEVERE" and not any(p.search(e["message"]) for p in EXPECTED_FAILURES)]
        self.assertEqual(sorted({e["message"] for e in errors}), [], "the browser logged errors")
        self.assertFalse([e for e in self.browser.log if "Content Security Policy" in e["message"]])


    def test_09_the_page_reconnects_after_a_daemon_restart_and_catches_up(self):
        self.ensure_signed_in()
        self.go("#/events", "table.events tbody")
        self.browser.wait("the live stream", lambda: self.driver.find_elements(By.CSS_SELECTOR, "#live-state[data-state=live]"))
        self.driver.execute_script("window.__sameDocument = 'yes'")
        self.daemon.restart()
        event_id = self.daemon.signed_hook("Tumor suppressor after the restart " + str(time.time()))
        self.browser.find(f"table.events tbody tr[data-id='{event_id}']")
        self.browser.wait("the stream to be live again", lambda: self.driver.find_elements(By.CSS_SELECTOR, "#live-state[data-state=live]"))
        self.assertEqual(self.driver.execute_script("return window.__sameDocument"), "yes", "the page was reloaded")


    def test_10_run_now_fires_a_scheduled_watcher(self):
        self.ensure_signed_in()
        self.go("#/watchers", "table.watchers")
        self.browser.find("table.watchers tbody tr")
        row = next(r for r in self.driver.find_elements(By.CSS_SELECTOR, "table.watchers tbody tr") if "weekly-review" in r.text)
        row.find_element(By.XPATH, ".//button[normalize-space()='Run now']").click()
        toast = self.browser.find("#toast p")
        job_id = int(re.search(r"job (\d+)", toast.text).group(1))
        self.daemon.wait_for("the fired watcher's job to complete", lambda: (self.job(job_id) or [None])[0] == "completed")
        self.assertIsNotNone(self.db.one("SELECT id FROM watcher_events WHERE title LIKE %s", "Weekly literature review%"))


class ConsoleWithoutAToken(unittest.TestCase):
    """Without api.token the page says how to set one and shows nothing else."""

    def test_the_page_says_how_to_set_a_token(self):
        folder = temp_folder()
        self.addCleanup(remove, folder)
        daemon = Daemon(folder, f"sqlite:{folder}/none.db", with_token=False)
        self.addCleanup(daemon.stop)
        browser = Browser()
        self.addCleanup(browser.quit)
        browser.driver.get(f"{daemon.base}/ui/")
        browser.wait("the how-to", lambda: "needs an API token" in browser.text_of("h1"))
        self.assertIn("token:", browser.text_of("pre"))
        self.assertFalse(browser.driver.find_elements(By.CSS_SELECTOR, "nav, form, #token"))
        if SCREENSHOTS:
            browser.driver.save_screenshot(os.path.join(SCREENSHOTS, "console-no-token-1280.png"))


if __name__ == "__main__":
    if DIALECT == "postgres" and not PG_URL:
        print("VIGIL_TEST_PG_URL is not set: source <(scripts/pg-test-server.sh start) first", file=sys.stderr)
        sys.exit(1)
    argv = [a for a in sys.argv if a != "--postgres"]
    if DIALECT == "postgres":  # the token-less page does not depend on the database
        argv += ["ConsoleInTheBrowser"]
    unittest.main(argv=argv)
