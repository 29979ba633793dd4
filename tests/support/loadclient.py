"""One client process of the race test and the booking benchmark: POST bookings, report what came back.

Reads one JSON line from stdin: {"url": …, "requests": [{"body": …, "headers": …}, …]}; prints
"ready"; waits for "go" on stdin (so that every process starts at once); sends the requests one after
another and prints one JSON line: [[status, error code or booking code, seconds], …]. Needs no Django.
"""

import json
import sys
import time
import urllib.error
import urllib.request


def post(url: str, body: dict, headers: dict) -> tuple[int, str, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 — the http:// URL of the server under test
        url, data=data, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 — a URL we were given
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    elapsed = time.perf_counter() - started
    try:
        answer = json.loads(payload)
    except ValueError:
        return status, payload[:200].decode(errors="replace"), elapsed
    label = answer.get("code") if status < 300 else answer.get("error", {}).get("code", "")
    return status, label or "", elapsed


def main() -> None:
    job = json.loads(sys.stdin.readline())
    print("ready", flush=True)
    sys.stdin.readline()  # "go"
    results = [post(job["url"], r["body"], r.get("headers", {})) for r in job["requests"]]
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
