#!/usr/bin/env python3
"""Cross-checks wildwatch WARC files with warcio, an independent implementation.

    warcio_check.py check [--strict] [--uri URL ...] PATH...
        PATH is a WARC file or a directory (all *.warc / *.warc.gz in it, by name).
        Iterates every record with warcio's ArchiveIterator(check_digests=True),
        prints one line per record: 'REC ' + JSON {file, offset, length, type, uri,
        version, status, digest}, then runs warcio's own checker (`warcio check`).
        --strict adds wildwatch's expectations: WARC/1.1, a warcinfo record first in
        each file, every other record a request/response/metadata with a target URI,
        responses with an HTTP status and a payload digest, and every record's
        digests present and passing. --uri: the set of response URIs must be exactly
        these. Exit status 0 when everything passed, 1 otherwise (problems are
        printed as 'PROBLEM ...' lines).

    warcio_check.py write OUT.warc.gz
        Writes a small WARC with warcio's own writer (sha1 digests, base32) for
        import tests, and prints 'WROTE ' + JSON [{uri, status, sha256}] of its
        HTTP responses.

Exit status 2 when warcio cannot be imported.
"""

import argparse
import hashlib
import io
import json
import os
import sys

try:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.checker import Checker
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
except ImportError as e:  # pragma: no cover
    print("warcio not importable: %s" % e)
    sys.exit(2)


def warc_paths(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                if name.endswith(".warc") or name.endswith(".warc.gz"):
                    out.append(os.path.join(p, name))
        else:
            out.append(p)
    return out


def check(args):
    problems = []
    response_uris = set()
    files = warc_paths(args.paths)
    if not files:
        problems.append("no WARC files found")
    for path in files:
        name = os.path.basename(path)
        try:
            with open(path, "rb") as fh:
                it = ArchiveIterator(fh, check_digests=True)
                index = 0
                for record in it:
                    record.content_stream().read()
                    rtype = record.rec_type
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    status = None
                    if record.http_headers is not None and rtype == "response":
                        status = record.http_headers.get_statuscode()
                    passed = record.digest_checker.passed
                    digest = {True: "pass", False: "fail", None: "none"}[passed]
                    line = {
                        "file": name,
                        "offset": it.get_record_offset(),
                        "length": it.get_record_length(),
                        "type": rtype,
                        "uri": uri,
                        "version": record.rec_headers.protocol,
                        "status": status,
                        "digest": digest,
                    }
                    print("REC " + json.dumps(line, sort_keys=True))
                    where = "%s @ %s" % (name, line["offset"])
                    if passed is False:
                        problems.append("%s: %s" % (where, "; ".join(record.digest_checker.problems)))
                    if rtype == "response":
                        response_uris.add(uri)
                    if args.strict:
                        if line["version"] != "WARC/1.1":
                            problems.append("%s: version %s" % (where, line["version"]))
                        if index == 0 and rtype != "warcinfo":
                            problems.append("%s: first record is %s, not warcinfo" % (where, rtype))
                        if index > 0 and rtype not in ("request", "response", "metadata"):
                            problems.append("%s: unexpected record type %s" % (where, rtype))
                        if index > 0 and not uri:
                            problems.append("%s: no WARC-Target-URI" % where)
                        if rtype == "response":
                            if not status or not status.isdigit():
                                problems.append("%s: response without HTTP status" % where)
                            if not record.rec_headers.get_header("WARC-Payload-Digest"):
                                problems.append("%s: response without payload digest" % where)
                        if rtype in ("request", "metadata") and not record.rec_headers.get_header("WARC-Concurrent-To"):
                            problems.append("%s: %s without WARC-Concurrent-To" % (where, rtype))
                        if passed is not True:
                            problems.append("%s: digests not checked (%s)" % (where, digest))
                    index += 1
        except Exception as e:  # warcio raises on malformed data
            problems.append("%s: warcio failed: %r" % (name, e))

    if args.uri is not None and set(args.uri) != response_uris:
        problems.append("response URIs %s != expected %s" % (sorted(response_uris), sorted(args.uri)))

    # warcio's own `warcio check` command on the same files.
    class Cmd:
        inputs = files
        verbose = False

    if files and Checker(Cmd).process_all() != 0:
        problems.append("`warcio check` failed")

    for p in problems:
        print("PROBLEM " + p)
    print("checked %d file(s), %d problem(s)" % (len(files), len(problems)))
    return 1 if problems else 0


def write(args):
    wrote = []
    with open(args.out, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(os.path.basename(args.out), {"software": "warcio"}))

        def response(uri, status, headers, body):
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http)
            writer.write_record(rec)
            wrote.append({"uri": uri, "status": int(status.split()[0]), "sha256": hashlib.sha256(body).hexdigest()})

        page = "<html><body>Ivory carving, genuine, 2 pieces</body></html>".encode()
        response("http://market.test/ad/1", "200 OK",
                 [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))], page)
        req = writer.create_warc_record("http://market.test/ad/1", "request",
                                        payload=io.BytesIO(b""),
                                        http_headers=StatusAndHeaders("GET /ad/1 HTTP/1.1", [("Host", "market.test")],
                                                                      is_http_request=True))
        writer.write_record(req)
        chunked = b"5\r\nPango\r\n6\r\nlin sc\r\n5\r\nales.\r\n0\r\n\r\n"
        response("http://market.test/ad/2", "404 Not Found",
                 [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")], chunked)
        dns = writer.create_warc_record("dns:market.test", "response", payload=io.BytesIO(b"market.test. 60 IN A 127.0.0.1\n"),
                                        warc_content_type="text/dns")
        writer.write_record(dns)
    print("WROTE " + json.dumps(wrote))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--strict", action="store_true")
    c.add_argument("--uri", action="append")
    c.add_argument("paths", nargs="+")
    w = sub.add_parser("write")
    w.add_argument("out")
    args = ap.parse_args()
    return check(args) if args.cmd == "check" else write(args)


if __name__ == "__main__":
    sys.exit(main())
