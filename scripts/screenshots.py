"""Screenshots of the web UI (Debian chromium, headless) for docs/web.md and for review.

    python scripts/screenshots.py --db nestor.duckdb [--out docs/img] [--widths 1400,400]

Serves the store on a free port, opens the home, dyad and story pages (and an evidence link)
at each width and saves full-page PNGs. Needs chromium and chromedriver (Debian: chromium,
chromium-driver) and selenium.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nestor", "serve", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, f"http://127.0.0.1:{port}"


def driver(width: int, profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},1000"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    emulate(drv, width, 1000)
    return drv


def emulate(drv, width: int, height: int) -> None:
    """Chrome's windows are at least 500 px wide: emulate the screen size itself."""
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                                 "deviceScaleFactor": 1, "mobile": width < 600})


def full_page(drv, path: Path, width: int, max_height: int = 3200) -> None:
    """A screenshot as tall as the page (up to max_height), at the window's width."""
    h = drv.execute_script("return document.documentElement.scrollHeight")
    drv.set_window_size(max(width, 500), min(max(h, 600), max_height))
    emulate(drv, width, min(max(h, 600), max_height))
    time.sleep(0.2)
    drv.save_screenshot(str(path))
    shrink(path)


def shrink(path: Path) -> None:
    """Store the PNG with a 256-colour palette (a fraction of the size, no visible loss for pages)."""
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", default="docs/img")
    ap.add_argument("--widths", default="1400,400")
    ap.add_argument("--dyad", default=None, help="dyad page to show (default: the most active)")
    args = ap.parse_args(argv)
    from nestor import api

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n = api.open(args.db)
    dyad = args.dyad or n.dyads(1)[0]["dyad"]
    a, b = api.parse_dyad(dyad)
    story = max(n.stories(dyad=dyad), key=lambda s: (s["n_articles"], s["n_events"]))
    proc, base = serve(args.db)
    try:
        with tempfile.TemporaryDirectory() as prof:
            for w in (int(x) for x in args.widths.split(",")):
                drv = driver(w, prof)
                try:
                    for name, url in (("home", "/"), ("dyad", f"/dyad/{dyad}"), ("story", f"/story/{story['id']}")):
                        emulate(drv, w, 1000)
                        drv.get(base + url)
                        full_page(drv, out / f"{name}-{w}.png", w)
                    emulate(drv, w, 1000)
                    drv.get(base + f"/story/{story['id']}")
                    drv.find_element("css selector", "a.evlink").click()
                    time.sleep(0.3)
                    drv.save_screenshot(str(out / f"evidence-{w}.png"))
                    shrink(out / f"evidence-{w}.png")
                finally:
                    drv.quit()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"screenshots written to {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
