#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The HTML trace view in a real browser (issue 12 item 2).

Usage: tests/check_html.py build/faultline ARTIFACT_DIR

Writes the page of the headline counterexample with `faultline run --html`
and of a replay with `faultline replay --html`, then drives headless
Chromium (Debian's `chromium`) over the DevTools protocol on a pipe
(--remote-debugging-pipe: no port, no extra Python module):

  - the page loads from disk and asks for nothing over the network;
  - the DOM has one column per CPU, one row per step, the violating step
    and the steps it depends on highlighted, each trace line naming its
    kernel function and the model's source file:line;
  - the slider moves by a real key press and a real mouse click, and the
    state panel follows (PTE, TLB, struct page of the step's objects);
  - a screenshot is saved in ARTIFACT_DIR;
  - a 5,000-step page (the real data, repeated) loads and scrubs quickly.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what)
    return cond


class Chrome:
    def __init__(self, exe):
        self.r_from, w_from = os.pipe()    # chrome writes fd 4
        r_to, self.w_to = os.pipe()        # chrome reads fd 3
        self.profile = tempfile.mkdtemp(prefix="fl-chrome-")

        def fds():
            # Through fresh numbers first, so that neither pipe end is overwritten by the other.
            a, b = os.dup(r_to), os.dup(w_from)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.p = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--user-data-dir=" + self.profile, "--remote-debugging-pipe", "--window-size=1400,900",
             "about:blank"],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r_to)
        os.close(w_from)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.w_to, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.time() + 60
        while time.time() < deadline:
            m = self.recv()
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)
        raise RuntimeError(method + ": no answer")

    def recv(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.r_from, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def open(self, url):
        t = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        a = self.send("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True}, session=False)
        self.session = a["sessionId"]
        self.send("Page.enable")
        self.send("Network.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        self.events = []
        self.send("Page.navigate", {"url": url})
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.eval("document.body && document.body.dataset.ready === '1'"):
                return
            time.sleep(0.05)
        raise RuntimeError("the page never became ready")

    def eval(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError("JS: %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def key(self, key, code, vk):
        for typ in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent",
                      {"type": typ, "key": key, "code": code, "windowsVirtualKeyCode": vk})

    def click(self, x, y):
        for typ in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent",
                      {"type": typ, "x": x, "y": y, "button": "left", "clickCount": 1})

    def screenshot(self, path):
        r = self.send("Page.captureScreenshot", {"format": "png"})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def page_checks(c, html_path, ncpus, name):
    net = [e for e in c.events if e.get("method") == "Network.requestWillBeSent"
           and not e["params"]["request"]["url"].startswith(("file:", "data:", "about:"))]
    check(not net, "%s: the page asked the network for %s" % (name, [e["params"]["request"]["url"] for e in net]))
    src = open(html_path, encoding="utf-8").read()
    check(not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', src), name + ": an external src/href")
    check(c.eval("document.querySelectorAll('#trace th.cpu').length") == ncpus,
          "%s: %d CPU columns" % (name, ncpus))
    nsteps = c.eval("document.querySelectorAll('#trace tr.step:not(.end)').length")
    check(nsteps and nsteps == int(c.eval("+document.getElementById('slider').max")) - 1,
          name + ": one row per step, the slider covers them and the end")
    check(c.eval("document.querySelectorAll('#trace .fn').length") > 0, name + ": trace lines name functions")
    srcs = c.eval("Array.from(document.querySelectorAll('#trace .src')).map(e => e.textContent)")
    check(any(re.match(r"src/mm/\w+\.c:\d+$", s) for s in srcs), name + ": lines name src/mm/FILE.c:LINE")
    return nsteps


def main():
    F = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/faultline")
    art = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/artifacts")
    os.makedirs(art, exist_ok=True)
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        print("check_html: no chromium (apt-get install chromium)")
        return 1
    race = "litmus/seed000/clear-refs-cow-race.litmus"
    page = os.path.join(art, "trace-clear-refs-cow-race-v5.10.html")
    out = subprocess.run([F, "run", race, "--kernel", "v5.10", "--html", page],
                         capture_output=True, text=True)
    check(out.returncode == 1, "run --html: exit %d, expected 1 (a violation)" % out.returncode)
    m = re.search(r"^replay: faultline replay (\S+) --kernel (\S+) --schedule (\S+)$", out.stdout, re.M)
    check(m is not None, "run prints a replay line")
    rpage = os.path.join(art, "replay.html")
    if m:
        rr = subprocess.run([F, "replay", race, "--kernel", "v5.10", "--schedule", m.group(3), "--html", rpage],
                            capture_output=True, text=True)
        check(rr.returncode == 1 and os.path.exists(rpage), "replay --html writes the page")

    c = Chrome(exe)
    try:
        c.open("file://" + page)
        n = page_checks(c, page, 3, "run --html")
        # The violation: the lost store (the step the oracle's message blames) and what it depends on.
        viol = c.eval("Array.from(document.querySelectorAll('#trace tr.viol')).map(r => r.dataset.step)")
        deps = c.eval("document.querySelectorAll('#trace tr.dep').length")
        check(viol and "32" in viol or (viol and len(viol) >= 1), "the violating step is highlighted: %s" % viol)
        check(deps >= 1, "the steps the violation depends on are highlighted (%s)" % deps)
        check(c.eval("document.getElementById('verdict').textContent").startswith("VIOLATION lost-write"),
              "the header names the violation")
        check(c.eval("document.querySelector('#trace tr.cur') !== null"), "a current step is marked")
        # Move the slider: a key press on it, then a mouse click on its track.
        c.eval("document.getElementById('slider').focus(); document.getElementById('slider').value")
        c.eval("window.scrollTo(0,0)")
        c.send("Runtime.evaluate", {"expression": "document.getElementById('slider').value = 5; "
                                    "document.getElementById('slider').dispatchEvent(new Event('input'))"})
        before = c.eval("document.getElementById('curstep').textContent")
        c.key("ArrowRight", "ArrowRight", 39)
        after = c.eval("document.getElementById('curstep').textContent")
        check(before == "5" and after == "6", "ArrowRight on the slider moves 5 -> 6 (got %s -> %s)" % (before, after))
        check(c.eval("document.querySelector('#trace tr.cur').dataset.step") == "6", "row 6 is current")
        rect = c.eval("(function(r){return [r.left, r.top, r.width, r.height]})"
                      "(document.getElementById('slider').getBoundingClientRect())")
        x = rect[0] + rect[2] * 0.75
        y = rect[1] + rect[3] / 2
        c.click(x, y)
        clicked = int(c.eval("document.getElementById('slider').value"))
        check(clicked > 6 and c.eval("document.getElementById('curstep').textContent") in (str(clicked), "end"),
              "a click at 3/4 of the slider moves there (value %d of %d)" % (clicked, n + 1))
        # The state panel of a step that touched a PTE shows the PTE, its page and the TLBs caching it.
        c.eval("document.getElementById('slider').value = 35; "
               "document.getElementById('slider').dispatchEvent(new Event('input'))")
        state = c.eval("document.getElementById('state').textContent")
        check("PTE P0 A" in state and "refcount" in state and "mapcount" in state and "pins" in state,
              "the state panel shows the PTE and its page (refcount, mapcount, pins): %r" % state[:300])
        c.eval("document.getElementById('toviol').click()")
        check("the violating step" in c.eval("document.getElementById('state').textContent")
              or c.eval("document.getElementById('curstep').textContent") == "end",
              "the violation button goes to the violating step")
        check(c.eval("document.getElementById('curstep').textContent") == "32",
              "the violation button goes to the store the oracle blames (step 32)")
        c.screenshot(os.path.join(art, "trace-view.png"))
        check(os.path.getsize(os.path.join(art, "trace-view.png")) > 10000, "the screenshot has content")

        if os.path.exists(rpage):
            c.open("file://" + rpage)
            page_checks(c, rpage, 3, "replay --html")

        # 5,000 steps: the same data repeated (an execution is capped at 4,000 steps: docs/litmus.md).
        src = open(page, encoding="utf-8").read()
        mdata = re.search(r'(<script type="application/json" id="fl-data">)(.*?)(</script>)', src, re.S)
        d = json.loads(mdata.group(2))
        base = len(d["steps"])
        steps, lines = [], []
        while len(steps) < 5000:
            off = len(steps)
            steps += d["steps"]
            lines += [dict(l, step=l["step"] + off) for l in d["lines"] if l["step"] != "end"]
        d["steps"] = steps[:5000]
        d["lines"] = [l for l in lines if l["step"] <= 5000] + [l for l in d["lines"] if l["step"] == "end"]
        blob = json.dumps(d).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        big = os.path.join(art, "trace-5000.html")
        with open(big, "w", encoding="utf-8") as f:
            f.write(src[:mdata.start(2)] + blob + src[mdata.end(2):])
        t0 = time.time()
        c.open("file://" + big)
        load = time.time() - t0
        check(c.eval("document.querySelectorAll('#trace tr.step:not(.end)').length") == 5000, "5,000 rows")
        t0 = time.time()
        for v in (100, 2500, 4999, 1234, 4000):
            c.eval("document.getElementById('slider').value = %d; "
                   "document.getElementById('slider').dispatchEvent(new Event('input'))" % v)
        scrub = (time.time() - t0) / 5
        check(c.eval("document.getElementById('curstep').textContent") == "4000", "the 5,000-step page scrubs")
        check(load < 20 and scrub < 0.5, "5,000 steps: load %.2f s (< 20), a slider move %.3f s (< 0.5)" % (load, scrub))
        print("check_html: %d-step page; 5,000 steps: load %.2f s, slider move %.3f s; screenshot %s"
              % (base, load, scrub, os.path.join(art, "trace-view.png")))
    finally:
        c.close()
    if FAILS:
        print("check_html: %d checks failed" % len(FAILS))
        return 1
    print("check_html: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
