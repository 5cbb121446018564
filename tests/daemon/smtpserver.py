#!/usr/bin/env python3
"""A real SMTP server for harkd's email tests (Debian's python3-aiosmtpd).

    smtpserver.py DIR [--tls CERT KEY] [--auth USER:PASSWORD] [--answers CODES]
                      [--refuse PREFIX=CODE]... [--delay SECONDS] [--hostile]
                      [--port N] [--host ADDR]

Listens on a free loopback port (or --port) and writes it to DIR/port once it accepts
connections. Each message it takes is saved as DIR/N.eml (N from 1), its
envelope and session in DIR/N.env ("from", "to" one a line, "tls yes|no",
"auth USER|-"); every DATA it answered is a line of DIR/answers.

--tls: STARTTLS offered and required before MAIL (a certificate the client
       must be told to trust: harkd's ca_file).
--auth: AUTH PLAIN/LOGIN offered (after STARTTLS) and required, with this
        user and password.
--answers 421,451: the first DATA commands are answered with these codes
       (4xx: try again; 5xx: refused) and nothing is saved; later ones get
       250. --answers 550*: every DATA is answered 550.
--refuse bad=550: a recipient whose address starts with "bad" is refused at
       RCPT with 550 (5xx: mailbox unknown; 4xx: try later); the others
       are taken. Repeatable.
--delay 0.3: a message is taken in 0.3 s (its 250 comes that late).
--hostile: the DATA answers other than 250 carry a stranger's bytes (a C1
       CSI, a right-to-left override, DEL), as a server's line may.
"""
import argparse
import asyncio
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

TEXT = {
    421: "421 4.3.2 Service shutting down, try again",
    451: "451 4.3.0 Temporary failure, try again",
    550: "550 5.7.1 Message refused by policy (test)",
    552: "552 5.3.4 Message too big (test)",
    554: "554 5.6.0 Message refused (test)",
}


class Handler:
    def __init__(self, args):
        self.dir = args.dir
        self.lock = threading.Lock()
        self.n = 0
        always = args.answers.endswith("*")
        codes = args.answers.rstrip("*")
        self.codes = [int(c) for c in codes.split(",") if c]
        self.always = always
        self.refuse = [(r.split("=", 1)[0], int(r.split("=", 1)[1])) for r in args.refuse]
        self.delay = args.delay
        self.hostile = args.hostile

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for prefix, code in self.refuse:
            if address.startswith(prefix):
                if code >= 500:
                    return "%d 5.1.1 <%s>: mailbox unknown" % (code, address)
                return "%d 4.2.1 <%s>: try later" % (code, address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.always:
                code = self.codes[0]
            elif self.codes:
                code = self.codes.pop(0)
            else:
                code = 250
            with open(os.path.join(self.dir, "answers"), "a") as f:
                f.write("%d\n" % code)
            if code != 250 and self.hostile:
                return "%d 4.3.0 \x9b31m busy \u202e gnirts \x7f end" % code
            if code != 250:
                return TEXT.get(code, "%d test" % code)
            self.n += 1
            base = os.path.join(self.dir, str(self.n))
            # written whole, then renamed: a test never reads half a message
            with open(base + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content)
            with open(base + ".env", "w") as f:
                f.write("from %s\n" % envelope.mail_from)
                for r in envelope.rcpt_tos:
                    f.write("to %s\n" % r)
                tls = session.ssl is not None and session.ssl != {}
                f.write("tls %s\n" % ("yes" if tls else "no"))
                f.write("auth %s\n" % getattr(session, "hark_user", "-"))
            os.rename(base + ".eml.tmp", base + ".eml")
            n = self.n
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK queued as %d" % n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    p.add_argument("--answers", default="")
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--hostile", action="store_true")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--host", default="127.0.0.1")
    args = p.parse_args()

    port = args.port
    if port == 0:
        s = socket.socket()
        s.bind((args.host, 0))
        port = s.getsockname()[1]
        s.close()

    kw = {}
    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        kw["tls_context"] = ctx
        kw["require_starttls"] = True
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and
                  auth_data.login.decode() == user and auth_data.password.decode() == password)
            if ok:
                session.hark_user = user  # for DIR/N.env
            return AuthResult(success=ok)

        kw["authenticator"] = authenticator
        kw["auth_required"] = True
        kw["auth_require_tls"] = bool(args.tls)
    if args.hostile:
        kw["enable_SMTPUTF8"] = True  # its answers are sent as UTF-8
    c = Controller(Handler(args), hostname=args.host, port=port, **kw)
    c.start()
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % port)
    os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        c.stop()


if __name__ == "__main__":
    main()
