"""What the console's browser tests stand on: the built daemon on a temporary config (SQLite, or
PostgreSQL in a schema of its own), headless Debian chromium through chromedriver, the database
read directly, and the browser's log kept for the no-console-errors check."""

import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VIGIL = os.environ.get("VIGIL_BINARY") or os.path.join(ROOT, "build", "vigil")
PG_URL = os.environ.get("VIGIL_TEST_PG_URL", "")
CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("VIGIL_CHROMEDRIVER", "/usr/bin/chromedriver")
TOKEN = "console-" + uuid.uuid4().hex
HOOK_SECRET = "hook-" + uuid.uuid4().hex
DEADLINE = 30  # seconds for any one wait


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """vigil's database, read straight (not through the API): sqlite3, or psycopg2 on a schema."""

    def __init__(self, dialect, folder):
        self.dialect = dialect
        if dialect == "sqlite":
            self.path = os.path.join(folder, "vigil.db")
            self.url = f"sqlite:{self.path}"
            return
        import psycopg2  # noqa: PLC0415 (only the PostgreSQL run needs it)
        self.psycopg2 = psycopg2
        self.schema = "vigil_console_" + uuid.uuid4().hex[:10]
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE SCHEMA {self.schema}")
        separator = "&" if "?" in PG_URL else "?"
        self.url = f"{PG_URL}{separator}options=-csearch_path%3D{self.schema}"

    def connect(self):
        if self.dialect == "sqlite":
            return sqlite3.connect(self.path, timeout=10)
        return self.psycopg2.connect(PG_URL)

    def one(self, sql, *args):
        """The first row of a query (placeholders written %s), or None."""
        if self.dialect == "sqlite":
            conn = sqlite3.connect(self.path, timeout=10)
            try:
                return conn.execute(sql.replace("%s", "?"), args).fetchone()
            finally:
                conn.close()
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f"SET search_path TO {self.schema}")
                cur.execute(sql, args)
                return cur.fetchone()
        finally:
            conn.close()

    def drop(self):
        if self.dialect == "postgres":
            conn = self.connect()
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
            conn.close()


class Daemon:
    """`vigil run` on a config of its own in a temporary folder."""

    def __init__(self, folder, db_url, with_token=True):
        self.folder, self.port = folder, free_port()
        self.config = os.path.join(folder, f"vigil-{self.port}.yaml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""database:
  url: {json.dumps(db_url)}
http:
  listen: 127.0.0.1:{self.port}
{f'api: {{token: {TOKEN}, session_ttl: 1h}}' if with_token else ''}
jobs:
  poll_interval: 200ms
  shutdown_timeout: 5s
watchers:
  - name: lab-hook
    type: webhook
    community: oncology
    verify: {{scheme: hmac, secret: {HOOK_SECRET}, header: X-Signature, prefix: "sha256="}}
    delivery_id: /id
  - name: weekly-review
    type: scheduled
    schedule: "0 9 * * 1"
    tz: Europe/Berlin
    community: oncology
    emit: {{title: 'Weekly literature review ({{{{fire_at}}}})'}}
communities:
  - name: oncology
    rules:
      keywords: {{tumor suppressor: 1.0}}
      thresholds: {{medium: 0.4, high: 0.7}}
      notify_at: medium
""")
        self.log = open(os.path.join(folder, f"vigil-{self.port}.log"), "w+", encoding="utf-8")
        self.start()

    def start(self):
        self.proc = subprocess.Popen([VIGIL, "run", "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_for("/readyz", lambda: self.status("/readyz") == 200)

    def restart(self):
        """SIGTERM, then the same config, port and database again."""
        self.proc.terminate()
        self.proc.wait(timeout=15)
        self.start()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def log_text(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_for(self, what, probe, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"vigil exited ({self.proc.returncode}) waiting for {what}:\n{self.log_text()}")
            value = probe()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"no {what} within {deadline} s; vigil's log:\n{self.log_text()[-4000:]}")

    def request(self, method, path, body=None, headers=None):
        """(status, headers, parsed JSON or text) of a request; errors included."""
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, hdrs, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, e.headers, e.read()
        except (urllib.error.URLError, ConnectionError):
            return 0, {}, None
        try:
            return status, hdrs, json.loads(raw)
        except ValueError:
            return status, hdrs, raw.decode(errors="replace")

    def status(self, path):
        return self.request("GET", path)[0]

    def api(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        status, _, data = self.request(method, "/api/v1" + path, body, headers)
        return status, data

    def signed_hook(self, title, summary="from the browser test"):
        body = json.dumps({"id": uuid.uuid4().hex, "title": title, "summary": summary,
                           "url": "https://example.org/" + uuid.uuid4().hex}).encode()
        sig = "sha256=" + hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        status, _, data = self.request("POST", "/hooks/lab-hook", body, {"Content-Type": "application/json", "X-Signature": sig})
        assert status == 202, f"the signed webhook answered {status}: {data}"
        return data["event_id"]

    def vigil(self, *argv):
        proc = subprocess.run([VIGIL, *argv, "--config", self.config], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"vigil {' '.join(argv)}:\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


class Browser:
    """Headless chromium; every browser log entry is kept (get_log empties chromium's buffer)."""

    def __init__(self):
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,800", "--force-device-scale-factor=1", "--no-first-run", "--lang=en-US"):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=ChromeService(executable_path=CHROMEDRIVER), options=opts)
        self.log = []

    def collect_log(self):
        self.log.extend(self.driver.get_log("browser"))
        return self.log

    def wait(self, what, probe, timeout=DEADLINE):
        # A live update may redraw what a probe is reading (a stale element): the probe runs again.
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: probe(), message=what)

    def find(self, css, timeout=DEADLINE):
        return self.wait(f"an element {css}", lambda: next(iter(self.driver.find_elements(By.CSS_SELECTOR, css)), None), timeout)

    def text_of(self, css):
        return " ".join(e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css))

    def size(self, width, height=800):
        self.driver.set_window_size(width, height)
        # The outer window includes chromium's frame in some builds; make the viewport exact.
        inner = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        if inner != [width, height]:
            self.driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])

    def color_scheme(self, scheme):
        """What prefers-color-scheme says from now on: "light" or "dark"."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def quit(self):
        self.driver.quit()


def temp_folder():
    return tempfile.mkdtemp(prefix="vigil-console-browser-")


def remove(folder):
    shutil.rmtree(folder, ignore_errors=True)
