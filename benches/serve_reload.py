#!/usr/bin/env python3
"""Edit-to-reload benchmark for `sprout serve`: edit one page, time the `reload` event and the
edited page being served, and the search index catching up in the background.

    python3 benches/serve_reload.py [--sprout BIN] [--edits N] [--page content/about.en.md]

Serves a copy of the repository's site (on tmpfs) and keeps one server-sent-events
connection open, as a browser tab does. Each edit appends a unique sentence to the page and
measures, from the moment the file is written:
  reload  - until the `reload` event arrives (the browser reloads then),
  page    - until GET of the page returns the edited text,
  search  - until `pagefind/pagefind-entry.json` changes (the new index is served).
Prints the median and min-max of each. A measurement, not a test.
"""

import argparse
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


class Events:
    """A raw server-sent-events connection."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__sprout/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        self.buf = b""

    def wait(self, name, timeout):
        deadline = time.monotonic() + timeout
        needle = f"event: {name}".encode()
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            if not chunk:
                return False
            self.buf += chunk
        self.buf = self.buf.split(needle, 1)[1]
        return True


def page_url(page):
    rel = page.removeprefix("content/").removesuffix(".md")
    lang = ""
    if rel.endswith(".en"):
        rel, lang = rel[:-3], "en/"
    if rel.endswith("_index"):
        rel = rel[: -len("_index")]
    return f"/{lang}{rel}/".replace("//", "/")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sprout", default=str(REPO / "target/release/sprout"))
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--page", default="content/about.en.md")
    ap.add_argument("--log", help="write the server's output here (with SPROUT_TIMINGS=1: each rebuild's steps)")
    a = ap.parse_args()

    site = Path(tempfile.mkdtemp(prefix="sprout-serve-", dir="/dev/shm"))
    for name in ["config.toml", "content", "data", "static", "templates", "themes"]:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, site / name)
        elif src.exists():
            shutil.copy(src, site / name)
    port = free_port()
    log = open(a.log, "w") if a.log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [a.sprout, "serve", "--root", str(site), "--port", str(port)],
        stdout=log, stderr=log,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if get(port, "/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        url = page_url(a.page)
        entry = "/pagefind/pagefind-entry.json"
        while get(port, entry)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        events = Events(port)
        time.sleep(0.3)
        file = site / a.page
        original = file.read_text(encoding="utf-8")
        reload_ms, page_ms, search_ms = [], [], []
        for i in range(a.edits):
            before_index = get(port, entry)[1]
            marker = f"Edit number {i} made by the benchmark."
            t0 = time.monotonic()
            file.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
            if not events.wait("reload", 30):
                sys.exit(f"no reload event within 30 s for edit {i}")
            reload_ms.append((time.monotonic() - t0) * 1000)
            while marker.encode() not in get(port, url)[1]:
                if time.monotonic() - t0 > 30:
                    sys.exit(f"{url} did not show edit {i} within 30 s")
                time.sleep(0.002)
            page_ms.append((time.monotonic() - t0) * 1000)
            # Until the new index is served: between the reload and the index, the entry file
            # is missing (404), which is not the new index either.
            while (seen := get(port, entry))[0] != 200 or seen[1] == before_index:
                if time.monotonic() - t0 > 60:
                    sys.exit(f"the search index did not change within 60 s of edit {i}")
                time.sleep(0.01)
            search_ms.append((time.monotonic() - t0) * 1000)
            time.sleep(0.3)
        for label, xs in (("reload event", reload_ms), ("page served", page_ms), ("search index", search_ms)):
            print(f"{label:<13} median {statistics.median(xs):7.0f} ms  (min {min(xs):.0f}, max {max(xs):.0f}, {len(xs)} edits)")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
