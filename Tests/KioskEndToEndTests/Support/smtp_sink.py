"""A local SMTP server for the document tests (the *test's* server; the back office's
client is libcurl). Python 3.11's standard smtpd module: each message received is written
as JSON to OUT_DIR/<n>.json ({"from", "to", "data"}); a recipient whose address contains
"refuse" is refused at RCPT with 550, as a real relay refuses an unknown mailbox.
Prints "listening on PORT" once bound. Usage: smtp_sink.py OUT_DIR"""
import json
import os
import signal
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
# Deprecated in 3.11, removed in 3.12: the tests that need them skip when they are missing.
import asyncore  # noqa: E402
import smtpd  # noqa: E402


class Channel(smtpd.SMTPChannel):
    def smtp_RCPT(self, arg):
        if arg and "refuse" in arg.lower():
            self.push("550 5.1.1 No such mailbox here")
            return
        super().smtp_RCPT(arg)


class Sink(smtpd.SMTPServer):
    channel_class = Channel

    def __init__(self, out):
        super().__init__(("127.0.0.1", 0), None, decode_data=False)
        self.out = out
        self.count = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.count += 1
        path = os.path.join(self.out, "%d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump({"from": mailfrom, "to": rcpttos, "data": data.decode("utf-8", "replace")}, f)
        os.rename(path + ".tmp", path)
        return None


def main():
    # The test runner starts this with most signals blocked (its mask is inherited): unblock
    # SIGTERM so the test can stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    server = Sink(out)
    print("listening on %d" % server.socket.getsockname()[1], flush=True)
    asyncore.loop(timeout=0.2)


if __name__ == "__main__":
    main()
