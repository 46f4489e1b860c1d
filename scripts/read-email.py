#!/usr/bin/env python3
"""read-email.py FILE.eml — parses a message with Python's standard email package and
prints JSON: the headers (each once, as parsed), and each part's type, charset and
decoded text. Used by the report tests to check what a mail client would see."""
import email, email.policy, email.utils, json, sys

with open(sys.argv[1], "rb") as f:
    message = email.message_from_binary_file(f, policy=email.policy.default)
parts = []
for part in message.walk():
    if part.is_multipart():
        continue
    parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(), "text": part.get_content()})
print(json.dumps({
    "headers": {k: str(v) for k, v in message.items()},
    "header_names": [k for k, _ in message.items()],
    "content_type": message.get_content_type(),
    "date_ok": email.utils.parsedate_to_datetime(message["Date"]) is not None,
    "defects": [str(d) for d in message.defects],
    "parts": parts,
}))
