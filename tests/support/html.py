"""Checks on the website's HTML shared by the page tests."""


def no_inline_script(html: str) -> bool:
    """Server-rendered pages need no JavaScript: a script only enhances, from our own origin, never inline."""
    return all(
        tag.startswith(' src="/static/js/') and tag.split(">", 1)[1].startswith("</script")
        for tag in html.split("<script")[1:]
    )
