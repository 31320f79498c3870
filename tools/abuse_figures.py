#!/usr/bin/env python3
"""Figures for the hardening issue, taken from outside with no credentials.

Starts the given antom-checkout binary zero-config (SQLite, embedded simulator) in a fresh
directory on free ports, then:
  1. 2,000 requests with made-up HTTP method names: server RSS and /metrics size before/after;
  2. 400 unsigned 256 KB posts to /webhooks/antom/payments from 12 threads: database growth
     (file + WAL); then the same posts kept up for a few seconds while one client keeps
     calling POST /sessions: its p50 alone and during the burst. Pass --env RATE_LIMITS=off
     to compare with a build that has no limits (the sessions client is one IP).

Usage: tools/abuse_figures.py path/to/antom-checkout [--env KEY=VALUE ...]
"""
import argparse, http.client, os, random, shutil, socket, statistics, string, subprocess
import sys, tempfile, threading, time, json


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(port, method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, data
    finally:
        c.close()


def db_bytes(d):
    total = 0
    for name in os.listdir(d):
        if name.startswith("antom-checkout.sqlite"):
            total += os.path.getsize(os.path.join(d, name))
    return total


def sessions_loop(port, stop, latencies):
    body = json.dumps({"items": [{"sku": "TSHIRT-BLK-M", "quantity": 1}]})
    while not stop.is_set():
        t = time.perf_counter()
        status, _ = request(port, "POST", "/sessions", body, {"content-type": "application/json"})
        if status == 201:
            latencies.append((time.perf_counter() - t) * 1000)
        elif status == 429:
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--odd", type=int, default=2000)
    ap.add_argument("--posts", type=int, default=400)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="abuse-")
    port, sim_port = free_port(), free_port()
    env = dict(os.environ, BIND_ADDR=f"127.0.0.1:{port}", SIMULATOR_BIND_ADDR=f"127.0.0.1:{sim_port}",
               RUST_LOG="error")
    for kv in args.env:
        k, v = kv.split("=", 1); env[k] = v
    proc = subprocess.Popen([os.path.abspath(args.binary)], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if request(port, "GET", "/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            sys.exit("server did not become ready")
        request(port, "GET", "/metrics")
        time.sleep(0.5)
        rss0, metrics0 = rss_kb(proc.pid), len(request(port, "GET", "/metrics")[1])
        for i in range(args.odd):
            method = "X" + "".join(random.choice(string.ascii_uppercase) for _ in range(10))
            try:
                request(port, method, f"/odd/{i}")
            except OSError:
                pass
        time.sleep(0.5)
        rss1, metrics1 = rss_kb(proc.pid), len(request(port, "GET", "/metrics")[1])
        print(f"odd methods: {args.odd} requests")
        print(f"  RSS       {rss0/1024:.1f} MB -> {rss1/1024:.1f} MB")
        print(f"  /metrics  {metrics0/1024:.1f} KB -> {metrics1/1024:.1f} KB")

        data = os.path.join(work, "data")
        # Baseline p50 of POST /sessions with nothing else running.
        stop, base = threading.Event(), []
        t = threading.Thread(target=sessions_loop, args=(port, stop, base)); t.start()
        time.sleep(3); stop.set(); t.join()
        size0 = db_bytes(data)
        blob = ("{\"notifyType\":\"PAYMENT_RESULT\",\"pad\":\"" + "A" * (256 * 1024 - 60) + "\"}").encode()
        blob = blob[: 256 * 1024 - 2] + b"\"}"
        headers = {"content-type": "application/json", "client-id": "SANDBOX_X",
                   "request-time": "2026-01-01T00:00:00Z",
                   "signature": "algorithm=RSA256,keyVersion=1,signature=AAAA"}
        counts = {}
        lock = threading.Lock()
        todo = list(range(args.posts))

        def poster():
            while True:
                with lock:
                    if not todo:
                        return
                    todo.pop()
                try:
                    status, _ = request(port, "POST", "/webhooks/antom/payments", blob, headers)
                except OSError:
                    status = "error"
                with lock:
                    counts[status] = counts.get(status, 0) + 1

        started = time.perf_counter()
        posters = [threading.Thread(target=poster) for _ in range(12)]
        for p in posters: p.start()
        for p in posters: p.join()
        burst = time.perf_counter() - started
        time.sleep(1)
        size1 = db_bytes(data)
        print(f"unsigned 256 KB webhooks: {args.posts} from 12 threads in {burst:.1f} s, answers {counts}")
        print(f"  database  {size0/1e6:.2f} MB -> {size1/1e6:.2f} MB (+{(size1-size0)/1e6:.2f} MB)")
        # The same burst kept up for 4 s while POST /sessions is timed.
        stop, during = threading.Event(), []
        keep_until = time.perf_counter() + 4

        def flood():
            while time.perf_counter() < keep_until:
                try:
                    request(port, "POST", "/webhooks/antom/payments", blob, headers)
                except OSError:
                    pass

        st = threading.Thread(target=sessions_loop, args=(port, stop, during)); st.start()
        floods = [threading.Thread(target=flood) for _ in range(12)]
        for f in floods: f.start()
        for f in floods: f.join()
        stop.set(); st.join()
        p50 = lambda xs: statistics.median(xs) if xs else float('nan')
        print(f"  POST /sessions p50: {p50(base):.1f} ms alone ({len(base)} calls), "
              f"{p50(during):.1f} ms during the burst ({len(during)} calls)")
        print(f"  RSS after: {rss_kb(proc.pid)/1024:.1f} MB")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
