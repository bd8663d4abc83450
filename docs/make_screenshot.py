"""Make docs/heatmap.png: `rung demo` in a temporary folder, `rung serve`, and Debian's
chromium through Playwright (every request that is not to 127.0.0.1 is aborted).

    .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

OUT = Path(__file__).resolve().parent / "heatmap.png"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def main() -> None:
    from playwright.sync_api import Route, sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        rung = [sys.executable, "-m", "rung"]
        subprocess.run([*rung, "demo"], cwd=tmp, check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        serve = [*rung, "serve", "--port", str(port), "--log-level", "warning"]
        proc = subprocess.Popen(serve, cwd=tmp, stdout=subprocess.DEVNULL)
        try:
            for _ in range(400):
                try:
                    socket.create_connection(("127.0.0.1", port), 0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)

            def local_only(route: Route) -> None:
                if urlsplit(route.request.url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    route.abort()

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
                context = browser.new_context(viewport={"width": 1500, "height": 1000})
                context.route("**/*", local_only)
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/?per_page=48")
                page.screenshot(path=str(OUT))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)
    print(OUT)


if __name__ == "__main__":
    main()
