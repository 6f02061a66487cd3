#!/usr/bin/env python3
"""Slow HTTP clients against `pinscope --metrics` (issue 25.8), loopback only.

Usage: slow_clients.py PORT N FROM SECONDS [--deadline S | --reconnect]
  N clients connect to 127.0.0.1:PORT from FROM (one address, or "many":
  127.0.1.1, 127.0.1.2, ...), send a request line, then one header line every
  4 s, never the blank line that ends the headers, for SECONDS at the most;
  with --reconnect each connects again as soon as the server closes it (the
  server's connections stay full).  Meanwhile a normal scrape (GET /metrics
  from 127.0.0.1) every 3 s.
Exit 0 when every scrape answered 200 within 2 s and, with --deadline, the
server closed every slow client within S seconds; what happened on stdout.
"""
import socket, sys, threading, time

port, n, src, seconds = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
deadline = float(sys.argv[6]) if sys.argv[5:6] == ["--deadline"] else None
reconnect = sys.argv[5:6] == ["--reconnect"]
closed = {}			# client -> seconds after connecting when the server closed it
closes = []			# every close by the server (--reconnect)
start = time.monotonic()


def slow_once(i):
    """One connection of client i: True when the server closed it before the end"""
    s = socket.socket()
    s.bind((src if src != "many" else "127.0.1.%d" % (i + 1), 0))
    s.settimeout(4)
    t0 = time.monotonic()
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while time.monotonic() - start < seconds:
            try:
                if s.recv(4096) == b"":		# the server closed (or answered)
                    break
            except socket.timeout:
                pass
            s.sendall(b"X-Slow-%d: %d\r\n" % (i, int(time.monotonic() - t0)))
        else:
            s.close()
            return False
    except OSError:
        pass
    closed[i] = time.monotonic() - t0
    closes.append(closed[i])
    s.close()
    return True


def slow(i):
    while slow_once(i) and reconnect and time.monotonic() - start < seconds:
        time.sleep(0.05)


def scrape():
    t0 = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
        return data.startswith(b"HTTP/1.1 200"), time.monotonic() - t0
    except OSError as e:
        return False, time.monotonic() - t0


threads = [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(n)]
for t in threads:
    t.start()
time.sleep(1)
ok = True
while time.monotonic() - start < seconds - 1:
    good, took = scrape()
    print("scrape at %4.1f s: %s in %.2f s" % (time.monotonic() - start, "200" if good else "FAILED", took))
    ok &= good and took < 2
    time.sleep(3)
for t in threads:
    t.join(seconds + 5)
held = [i for i in range(n) if i not in closed]
late = [i for i, t in closed.items() if deadline and t > deadline]
if reconnect:
    print("slow clients from %s, reconnecting: %d connections closed by the server" %
          (src, len(closes)))
else:
    print("slow clients from %s: %d closed by the server (after %s s), %d held to the end" %
          (src, len(closed), ", ".join("%.1f" % t for t in sorted(closed.values())) or "-",
           len(held)))
if deadline and (held or late):
    print("FAILED: the header deadline is %s s" % deadline)
    ok = False
sys.exit(0 if ok else 1)
