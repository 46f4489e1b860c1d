#!/usr/bin/env python3
"""Browser tests of `sizebudget site`: headless Chromium driven by Selenium, pages opened
from file://, on a small real history (git repo, fixture images measured by sizebudget)
and on a generated history of 10,000 measured commits.

    python3 Tests/Browser/test_site.py            # make test runs it
Environment: SIZEBUDGET (binary, default .build/debug/sizebudget), SIZEBUDGET_FIXTURES
(default /tmp/sizebudget-fixtures/out), SITE_SCREENSHOTS (directory for the PNGs,
default .build/site-screenshots)."""
import json, os, shutil, subprocess, sys, tempfile, time, unittest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SB = os.path.abspath(os.environ.get("SIZEBUDGET", os.path.join(ROOT, ".build/debug/sizebudget")))
FIXTURES = os.environ.get("SIZEBUDGET_FIXTURES", "/tmp/sizebudget-fixtures/out")
SHOTS = os.environ.get("SITE_SCREENSHOTS", os.path.join(ROOT, ".build/site-screenshots"))
DAY = 86400
BUDGETS = """[defaults]
metric = "compressed"
base = "main"

[image.api]
owner = "platform-team@example.com"
max = "180 MB"
warn = "150 MB"
max_growth = "+20 MB"
forbid = ["/usr/lib/gcc/**"]
"""


def run(*args, cwd, env=None):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def git_commit(repo, message, when):
    env = dict(os.environ, GIT_AUTHOR_DATE=f"@{when} +0000", GIT_COMMITTER_DATE=f"@{when} +0000")
    run("git", "-c", "user.name=Dana Developer", "-c", "user.email=dana@example.com", "commit", "-q",
        "--allow-empty", "-m", message, cwd=repo, env=env)
    return run("git", "rev-parse", "HEAD", cwd=repo).strip()


def small_history(work):
    """Six commits over six days; three measured from the real fixture images: the slim
    image, the single-stage one (grown), the slim one again from its OCI layout."""
    repo = os.path.join(work, "small")
    os.makedirs(repo)
    run("git", "init", "-q", "-b", "main", cwd=repo)
    with open(os.path.join(repo, "budgets.toml"), "w") as f:
        f.write(BUDGETS)
    run("git", "add", "-A", cwd=repo)
    now = int(time.time())
    sources = {0: f"docker-archive:{FIXTURES}/api-after.docker.tar",
               2: f"docker-archive:{FIXTURES}/api-before.docker.tar",
               4: f"oci:{FIXTURES}/api-after.oci"}
    measured = []
    for i in range(6):
        oid = git_commit(repo, f"api: change {i} <script>", now - (6 - i) * DAY)
        if i in sources:
            run(SB, "measure", sources[i], "--image", "api", "--commit", oid, cwd=repo)
            measured.append(oid)
    return repo, measured


def large_history(work, commits=10_000):
    """gen-history.py's repository and gen-store.py's measurements, one per first-parent commit."""
    repo = os.path.join(work, "large")
    run(sys.executable, os.path.join(ROOT, "Benchmarks/gen-history.py"), repo, str(commits), cwd=work)
    with open(os.path.join(repo, "budgets.toml"), "w") as f:
        f.write('[image.app]\nmax = "450 MB"\nwarn = "420 MB"\n')
    store = os.path.join(repo, ".git/sizebudget.sqlite")
    # Any command that opens the store creates its schema.
    subprocess.run([SB, "log", "--image", "app"], cwd=repo, capture_output=True)
    oids = run("git", "rev-list", "--first-parent", "main", cwd=repo).split()
    oids.reverse()
    subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks/gen-store.py"), store, "app"],
                   input="\n".join(oids), text=True, check=True, capture_output=True)
    return repo, oids


def build_site(repo, out, *extra):
    started = time.time()
    run(SB, "site", "--output", out, *extra, cwd=repo)
    elapsed = time.time() - started
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(out) for f in files)
    return elapsed, size


def decimated(primary, secondary, limit=1000, buckets=400):
    """The chart's decimation, independently: per bucket the smallest and largest point,
    the ends and both series' extremes."""
    n = len(primary)
    if n <= limit:
        return list(range(n))
    keep = {0, n - 1}
    for v in (primary, secondary):
        keep.add(min(range(n), key=lambda i: (v[i], i)))
        keep.add(max(range(n), key=lambda i: (v[i], -i)))
    for b in range(buckets):
        a, e = b * n // buckets, (b + 1) * n // buckets
        if a < e:
            keep.add(min(range(a, e), key=lambda i: (primary[i], i)))
            keep.add(max(range(a, e), key=lambda i: (primary[i], -i)))
    return sorted(keep)


def browser(width=1280):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},900", "--allow-file-access-from-files"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


class SiteCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sizebudget-site-test.")
        cls.driver = browser()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.work, ignore_errors=True)

    def open(self, path):
        self.driver.get_log("browser")
        self.driver.get_log("performance")
        self.driver.get("file://" + path)
        self.assertEqual(self.driver.execute_script("return document.readyState"), "complete")

    def assert_clean(self):
        """No console error or warning, and nothing requested but files."""
        logs = [e for e in self.driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        self.assertEqual(logs, [], "console messages")
        requested = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                requested.append(message["params"]["request"]["url"])
        self.assertTrue(requested, "the performance log saw no request at all")
        self.assertEqual([u for u in requested if not u.startswith("file://")], [], "network requests")

    def shoot(self, name, width):
        os.makedirs(SHOTS, exist_ok=True)
        self.driver.set_window_size(width, 900)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(width, min(height + 140, 5000))
        self.driver.save_screenshot(os.path.join(SHOTS, f"{name}-{width}.png"))
        self.driver.set_window_size(1280, 900)


class SmallHistory(SiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repo, cls.measured = small_history(cls.work)
        cls.out = os.path.join(cls.work, "site")
        cls.elapsed, cls.size = build_site(cls.repo, cls.out)
        print(f"\nsmall history: {len(cls.measured)} measured commits, site {cls.size} bytes, built in "
              f"{cls.elapsed:.2f} s", file=sys.stderr)

    def test_every_page_loads_clean_from_file(self):
        pages = ["index.html", "images/api.html"] + [f"commits/{oid}.html" for oid in self.measured]
        for page in pages:
            with self.subTest(page=page):
                self.open(os.path.join(self.out, page))
                self.assert_clean()
        self.open(os.path.join(self.out, "index.html"))
        link = self.driver.find_element(By.CSS_SELECTOR, "#images a")
        self.assertEqual(link.text, "api")
        # The index's badge is the gate's verdict on the latest measured commit.
        gate = subprocess.run([SB, "check", "--commit", self.measured[-1], "--image", "api", "--format", "json",
                               "--no-notify"], cwd=self.repo, capture_output=True, text=True)
        expected = json.loads(gate.stdout)["images"][0]["status"]
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "#images .badge").text.strip(), expected)

    def test_trend_has_one_point_per_measured_commit_with_tooltips_and_links(self):
        self.open(os.path.join(self.out, "images/api.html"))
        chart = self.driver.find_element(By.ID, "trend")
        circles = chart.find_elements(By.CSS_SELECTOR, "circle.point")
        self.assertEqual([c.get_attribute("data-commit") for c in circles], self.measured)
        self.assertEqual(chart.get_attribute("data-total"), str(len(self.measured)))
        self.assertEqual(len(chart.find_elements(By.ID, "trend-max")), 1)
        self.assertEqual(len(chart.find_elements(By.ID, "trend-warn")), 1)
        tooltip = self.driver.find_element(By.ID, "tooltip")
        for circle, oid in zip(circles, self.measured):
            ActionChains(self.driver).move_to_element(circle).perform()
            self.assertTrue(tooltip.is_displayed())
            self.assertIn(oid[:12], tooltip.text)
            self.assertIn("Dana Developer", tooltip.text)
        # The grown single-stage image: its tooltip shows the change.
        ActionChains(self.driver).move_to_element(circles[1]).perform()
        self.assertIn("change +", tooltip.text)
        circles[1].click()
        self.assertTrue(self.driver.current_url.endswith(f"commits/{self.measured[1]}.html"), self.driver.current_url)
        self.assertIn(self.measured[1][:12], self.driver.find_element(By.TAG_NAME, "h1").text)
        verdict = self.driver.find_element(By.CSS_SELECTOR, "pre.verdict").text
        self.assertIn("forbid", verdict)
        self.assertIn(self.measured[0][:12], self.driver.find_element(By.CSS_SELECTOR, "pre.diff-previous").text)
        self.assert_clean()

    def tiles(self, view):
        """(area, bytes) of each tile of a treemap view, read from the SVG geometry."""
        return self.driver.execute_script(
            "return Array.from(arguments[0].children).filter(e => e.tagName === 'rect').map(r => "
            "[r.width.baseVal.value * r.height.baseVal.value, +r.getAttribute('data-bytes')])", view)

    def test_treemap_areas_are_proportional_to_bytes(self):
        self.open(os.path.join(self.out, "images/api.html"))
        checked = 0
        for svg in self.driver.find_elements(By.CSS_SELECTOR, "svg.treemap"):
            _, _, width, height = self.driver.execute_script(
                "const b = arguments[0].viewBox.baseVal; return [b.x, b.y, b.width, b.height]", svg)
            for view in svg.find_elements(By.CSS_SELECTOR, "g.tm-view"):
                tiles = self.tiles(view)
                self.assertTrue(tiles)
                total = sum(b for _, b in tiles)
                name = view.get_attribute("id")
                self.assertEqual(total, int(view.get_attribute("data-bytes")), name)
                self.assertAlmostEqual(sum(a for a, _ in tiles), width * height, delta=width * height * 1e-4)  # coordinates have 3 decimals
                for area, bytes_ in tiles:
                    expected = bytes_ / total * width * height
                    self.assertLess(abs(area - expected), expected * 0.01, name)
                    checked += 1
        self.assertGreater(checked, 50)

    def test_treemap_zooms_by_click_breadcrumb_and_keyboard(self):
        self.open(os.path.join(self.out, "images/api.html"))
        svg = self.driver.find_element(By.ID, "tm-path")
        root = svg.find_element(By.ID, "tm-path-0")
        crumbs = self.driver.find_element(By.ID, "tm-path-crumbs")
        zoomable = root.find_element(By.CSS_SELECTOR, "rect[data-child]")
        child_id = zoomable.get_attribute("data-child")
        label = zoomable.get_attribute("data-label")
        zoomable.click()
        child = svg.find_element(By.ID, child_id)
        self.assertEqual(child.get_attribute("display"), "inline")
        self.assertEqual(root.get_attribute("display"), "none")
        self.assertIn(label, crumbs.text)
        crumbs.find_element(By.TAG_NAME, "button").click()
        self.assertEqual(root.get_attribute("display"), "inline")
        self.assertEqual(child.get_attribute("display"), "none")
        # Keyboard: Tab-focusable tiles, arrows move, Enter zooms, Escape goes back.
        first = root.find_elements(By.TAG_NAME, "rect")[0]
        self.driver.execute_script("arguments[0].focus()", first)
        ActionChains(self.driver).send_keys(Keys.ARROW_RIGHT).perform()
        active = self.driver.switch_to.active_element
        self.assertEqual(active.get_attribute("data-label"), root.find_elements(By.TAG_NAME, "rect")[1].get_attribute("data-label"))
        self.driver.execute_script("arguments[0].focus()", zoomable)
        ActionChains(self.driver).send_keys(Keys.ENTER).perform()
        self.assertEqual(child.get_attribute("display"), "inline")
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("data-label"),
                         child.find_elements(By.TAG_NAME, "rect")[0].get_attribute("data-label"))
        ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()
        self.assertEqual(root.get_attribute("display"), "inline")
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("data-child"), child_id)
        # Hover shows exact bytes.
        ActionChains(self.driver).move_to_element(zoomable).perform()
        self.assertIn(f"{int(zoomable.get_attribute('data-bytes')):,} bytes", self.driver.find_element(By.ID, "tooltip").text)
        self.assert_clean()

    def test_by_package_view_sums_to_the_measured_total(self):
        self.open(os.path.join(self.out, "images/api.html"))
        self.driver.find_element(By.CSS_SELECTOR, "button[data-view='tm-package']").click()
        package = self.driver.find_element(By.ID, "tm-package")
        self.assertTrue(package.is_displayed())
        self.assertFalse(self.driver.find_element(By.ID, "tm-path").is_displayed())
        shown = sum(b for _, b in self.tiles(package.find_element(By.ID, "tm-package-0")))
        listed = json.loads(run(SB, "packages", self.measured[-1], "--image", "api", "--all", "--format", "json", cwd=self.repo))
        self.assertEqual(shown, sum(p["bytes"] for p in listed["packages"]))
        # ... which is the final filesystem's total, the by-path view's root.
        self.assertEqual(shown, int(self.driver.find_element(By.ID, "tm-path").get_attribute("data-total")))

    def test_screenshots(self):
        for page, name in [("index.html", "site-index"), ("images/api.html", "site-image"),
                           (f"commits/{self.measured[1]}.html", "site-commit")]:
            for width in (1280, 390):
                self.open(os.path.join(self.out, page))
                self.shoot(name, width)
        # Dark mode, as a system set to dark shows it.
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                    {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        try:
            self.open(os.path.join(self.out, "images/api.html"))
            background = self.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
            self.assertEqual(background, "rgb(13, 17, 23)")
            self.shoot("site-image-dark", 1280)
        finally:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        self.assertTrue(os.path.exists(os.path.join(SHOTS, "site-image-390.png")))


class LargeHistory(SiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repo, cls.oids = large_history(cls.work)
        cls.out = os.path.join(cls.work, "site")
        cls.elapsed, cls.size = build_site(cls.repo, cls.out, "--since", "2000-01-01")
        print(f"\n10,000 commits: {len(cls.oids)} measured first-parent commits, site {cls.size} bytes, "
              f"built in {cls.elapsed:.2f} s", file=sys.stderr)

    def test_long_trend_is_decimated_keeping_extremes(self):
        started = time.time()
        self.open(os.path.join(self.out, "images/app.html"))
        loaded = time.time() - started
        self.assert_clean()
        data = json.loads(self.driver.find_element(By.ID, "trend-data").get_attribute("textContent"))
        self.assertEqual(data["commits"], self.oids)
        chart = self.driver.find_element(By.ID, "trend")
        self.assertEqual(chart.get_attribute("data-total"), str(len(self.oids)))
        expected = decimated(data["compressed"], data["uncompressed"])
        drawn = [int(c.get_attribute("data-i")) for c in chart.find_elements(By.CSS_SELECTOR, "circle.point")]
        self.assertEqual(drawn, expected)
        self.assertLess(len(drawn), len(self.oids) // 4)
        sizes = data["compressed"]
        self.assertIn(sizes.index(min(sizes)), drawn)
        self.assertIn(sizes.index(max(sizes)), drawn)
        print(f"10,000 commits: image page loaded in {loaded:.2f} s, {len(drawn)} points drawn", file=sys.stderr)
        # Zoom to the last 100: every one of them drawn; the tooltip names the right commit.
        self.driver.find_element(By.CSS_SELECTOR, "button[data-last='100']").click()
        circles = chart.find_elements(By.CSS_SELECTOR, "circle.point")
        self.assertEqual([c.get_attribute("data-commit") for c in circles], self.oids[-100:])
        ActionChains(self.driver).move_to_element(circles[50]).perform()
        self.assertIn(self.oids[-50][:12], self.driver.find_element(By.ID, "tooltip").text)
        circles[50].click()
        self.assertTrue(self.driver.current_url.endswith(f"commits/{self.oids[-50]}.html"))
        self.assert_clean()
        self.driver.back()
        self.shoot("site-image-10000", 1280)

    def test_commit_pages_give_checks_verdict(self):
        """The site's verdict is `sizebudget check`'s, word for word (same base, same rules)."""
        import html, re
        for oid in (self.oids[1], self.oids[len(self.oids) // 2], self.oids[-1]):
            with open(os.path.join(self.out, "commits", oid + ".html")) as f:
                page = f.read()
            verdict = html.unescape(re.search(r'<pre class="verdict">(.*?)</pre>', page, re.S).group(1))
            check = subprocess.run([SB, "check", "--commit", oid], cwd=self.repo, capture_output=True, text=True)
            self.assertEqual(verdict.strip(), check.stdout.strip())

    def test_drag_zooms_into_a_range(self):
        self.open(os.path.join(self.out, "images/app.html"))
        chart = self.driver.find_element(By.ID, "trend")
        box = chart.rect
        ActionChains(self.driver).move_to_element_with_offset(chart, int(box["width"] * 0.1) - box["width"] // 2, 0) \
            .click_and_hold().move_by_offset(int(box["width"] * 0.1), 0).release().perform()
        circles = chart.find_elements(By.CSS_SELECTOR, "circle.point")
        first, last = int(circles[0].get_attribute("data-i")), int(circles[-1].get_attribute("data-i"))
        self.assertGreater(first, 0)
        self.assertLess(last, len(self.oids) - 1)
        self.assertLess(last - first, len(self.oids) // 4)
        self.assertIn("commits", self.driver.find_element(By.ID, "trend-range").text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
