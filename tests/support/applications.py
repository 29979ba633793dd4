"""The website's application form as a browser sends it: the form, then "check your answers", then submit."""

from urllib.parse import urlsplit


def apply_on_website(client, url: str, data: dict, **extra):
    """POST the form at `url` (/apply/<code>/, or /en/apply/<code>/); when it is accepted (a redirect to the
    check page), submit from the check page too. The last response: the form with errors, or the redirect
    to the confirmation."""
    response = client.post(url, data, **extra)
    if response.status_code != 302 or not urlsplit(response["Location"]).path.endswith("/check/"):
        return response
    check = client.get(response["Location"], **extra)
    assert check.status_code == 200, check.content
    return client.post(response["Location"], {}, **extra)
