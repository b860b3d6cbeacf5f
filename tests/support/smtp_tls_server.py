"""A real SMTP server for vigil's e-mail tests: aiosmtpd (Debian python3-aiosmtpd, run under
/usr/bin/python3) on 127.0.0.1, with STARTTLS or implicit TLS from a certificate the test made,
AUTH, and an optional permanent refusal of DATA.

It writes its port to --port-file once it listens, and one JSON line per event to --log:
  {"event": "auth", "login": ..., "password_ok": bool, "tls": bool}
  {"event": "mail", "mail_from", "rcpt_tos", "tls", "subject", "from", "to", "body",
   "longest_line", "transfer_encoding"}   (subject/from/to/body decoded by Python's email package)
  {"event": "refused", "code": 550}
It runs until SIGTERM.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--mode", choices=["starttls", "plain", "smtps"], default="starttls")
    p.add_argument("--login", default="vigil")
    p.add_argument("--password", default="")
    p.add_argument("--refuse", type=int, default=0, help="answer DATA with this code")
    return p.parse_args()


class Recorder:
    def __init__(self, args):
        self.args = args

    def encrypted(self, session):
        return self.args.mode == "smtps" or session.ssl is not None

    def write(self, record):
        with open(self.args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.args.login \
            and auth_data.password.decode() == self.args.password
        self.write({"event": "auth", "login": getattr(auth_data, "login", b"").decode(), "password_ok": ok,
                    "tls": self.encrypted(session)})
        return AuthResult(success=ok)

    async def handle_DATA(self, server, session, envelope):
        if self.args.refuse:
            self.write({"event": "refused", "code": self.args.refuse})
            return f"{self.args.refuse} 5.7.1 refused by the test server"
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.write({"event": "mail", "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                    "tls": self.encrypted(session), "subject": str(msg["subject"]), "from": str(msg["from"]),
                    "to": str(msg["to"]), "body": msg.get_content(),
                    "longest_line": max(len(line) for line in raw.split(b"\r\n")),
                    "transfer_encoding": str(msg["content-transfer-encoding"])})
        return "250 OK"


async def main():
    args = parse_args()
    recorder = Recorder(args)
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    loop = asyncio.get_running_loop()

    def factory():
        return SMTP(recorder, hostname="localhost", authenticator=recorder.authenticate,
                    tls_context=context if args.mode == "starttls" else None,
                    require_starttls=args.mode == "starttls", auth_require_tls=args.mode == "starttls")

    server = await loop.create_server(factory, host="127.0.0.1", port=0,
                                      ssl=context if args.mode == "smtps" else None)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


asyncio.run(main())
