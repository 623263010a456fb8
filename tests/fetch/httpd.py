#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A package server for the fetch tests that misbehaves on request (stdlib only).

  httpd.py --root DIR [--log FILE] [--rate B/S] [--stall-after N] [--cut-after N]
           [--corrupt] [--oversend N] [--redirect BASE] [--no-etag] [--etag-salt S]
           [--tls-cert PEM --tls-key PEM]

Serves the regular files of DIR on 127.0.0.1, port 0, and prints
"listening on http://127.0.0.1:PORT" (https with --tls-cert) once it listens. GET and HEAD, one
Range (bytes=N- or bytes=N-M: 206 with Content-Range), If-Range on the
strong ETag (sha256 of the content and the salt): a different ETag gets the
whole file. Misbehaviours, each for every GET of a file:
  --rate        send at most B bytes per second
  --stall-after send N bytes of the body, then nothing (for at most 60 s)
  --cut-after   send N bytes of the body, then close the connection
  --corrupt     flip one byte in the middle of the file
  --oversend    announce the real length, send N bytes more (chunked encoding)
  --redirect    answer 302 with Location BASE + "/real" + the request path
                (BASE "self": this server); /real/NAME serves NAME
The log gets "ID PATH STATUS START SENT" after every block sent (SENT is
cumulative for request ID), so a test can add up what left the server even
when it is killed.
"""
import argparse
import ssl
import hashlib
import http.server
import os
import socketserver
import sys
import threading
import time

ARGS = None
LOG_LOCK = threading.Lock()
COUNTER = [0]


def log(line):
    if ARGS.log:
        with LOG_LOCK, open(ARGS.log, "a") as f:
            f.write(line + "\n")


def etag_of(data):
    return '"' + hashlib.sha256(data + ARGS.etag_salt.encode()).hexdigest()[:32] + '"'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_HEAD(self):
        self.serve(head=True)

    def do_GET(self):
        self.serve(head=False)

    def serve(self, head):
        path = self.path.split("?", 1)[0]
        name = path.rsplit("/", 1)[-1]
        if ARGS.redirect and not path.startswith("/real/"):
            base = ARGS.redirect
            if base == "self":
                base = "http://127.0.0.1:%d" % self.server.server_address[1]
            self.send_response(302)
            self.send_header("Location", base.rstrip("/") + "/real" + path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        full = os.path.join(ARGS.root, name)
        if not name or name.startswith(".") or not os.path.isfile(full):
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        with open(full, "rb") as f:
            data = f.read()
        etag = etag_of(data)
        if ARGS.corrupt and data:
            mid = len(data) // 2
            data = data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:]
        start, end, status = 0, len(data), 200
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and rng.startswith("bytes=") and "," not in rng and (if_range is None or if_range == etag):
            a, _, b = rng[6:].partition("-")
            if a.isdigit():
                start = int(a)
                if b.isdigit():
                    end = min(end, int(b) + 1)
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % len(data))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
        self.send_response(status)
        if not ARGS.no_etag:
            self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end - 1, len(data)))
        self.send_header("Content-Length", str(end - start))
        if ARGS.oversend:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if head:
            return
        with LOG_LOCK:
            COUNTER[0] += 1
            rid = COUNTER[0]
        body = data[start:end]
        if ARGS.oversend:
            body = body + b"X" * ARGS.oversend
        self.send_body(rid, name, status, start, body)

    def send_body(self, rid, name, status, start, body):
        sent, block, t0 = 0, 65536, time.monotonic()
        limit = len(body)
        if ARGS.stall_after is not None:
            limit = min(limit, ARGS.stall_after)
        if ARGS.cut_after is not None:
            limit = min(limit, ARGS.cut_after)
        try:
            while sent < limit:
                chunk = body[sent:min(limit, sent + block)]
                if ARGS.oversend:
                    self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                else:
                    self.wfile.write(chunk)
                self.wfile.flush()
                sent += len(chunk)
                log("%d %s %d %d %d" % (rid, name, status, start, sent))
                if ARGS.rate:
                    ahead = sent / ARGS.rate - (time.monotonic() - t0)
                    if ahead > 0:
                        time.sleep(ahead)
            if sent < len(body):
                if ARGS.stall_after is not None:
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        time.sleep(0.2)
                self.close_connection = True
                return
            if ARGS.oversend:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--log")
    p.add_argument("--rate", type=int, default=0)
    p.add_argument("--stall-after", type=int)
    p.add_argument("--cut-after", type=int)
    p.add_argument("--corrupt", action="store_true")
    p.add_argument("--oversend", type=int, default=0)
    p.add_argument("--redirect")
    p.add_argument("--no-etag", action="store_true")
    p.add_argument("--etag-salt", default="")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    ARGS = p.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    scheme = "http"
    if ARGS.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme = "https"
    print("listening on %s://127.0.0.1:%d" % (scheme, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
