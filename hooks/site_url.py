"""Where the site lives: a deploy build must know its public URL; any other build needs none.

``mkdocs.yml`` reads ``site_url`` from the SITE_URL environment variable. Without it a build has
no canonical links and an empty sitemap, so nothing in it names an address: its relative links
work wherever it is served (Material's instant navigation, which needs the sitemap to tell its
own pages from others, then leaves every click to the browser; ``properdocs serve`` sets its own
address, so authors keep it). A build meant for deployment (DEPLOY=1) must carry the real
public URL: a missing, loopback or stand-in one would go out in every canonical link and in the
sitemap, and break instant navigation for readers.

Standard library only, so the deploy job can check before it spends minutes on set-up::

    DEPLOY=1 SITE_URL=https://example.org/course/ python3 -m hooks.site_url

``hooks/site_url_hook.py`` runs the same check when a build starts.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from urllib.parse import urlsplit

#: Names reserved for tests and examples (RFC 2606, RFC 6761): never a deployed site's host.
RESERVED_SUFFIXES = (".test", ".example", ".invalid", ".localhost", ".local")
RESERVED_HOSTS = frozenset({"localhost", "example.com", "example.org", "example.net"})


def deploy_requested(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether DEPLOY asks for a deploy build (1/true/yes; unset, empty, 0/false/no do not)."""
    value = environ.get("DEPLOY", "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ValueError(f"DEPLOY must be 1, true or yes (or 0, false, no, or unset), not {value!r}")


def deploy_url_problem(site_url: str | None) -> str | None:
    """Why ``site_url`` cannot be the URL of a deployed site, or None if it can."""
    if not site_url:
        return "SITE_URL is not set: a deploy build needs the site's public URL, e.g. https://example.org/course/"
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"SITE_URL={site_url!r} is not an http(s) URL with a host name"
    host = parts.hostname.rstrip(".")
    if host in RESERVED_HOSTS or host.endswith(RESERVED_SUFFIXES):
        return f"SITE_URL={site_url!r} names a local or stand-in host ({host}), not the public site"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified or address.is_link_local:
        return f"SITE_URL={site_url!r} is a loopback or unroutable address ({host}), not the public site"
    return None


def check(environ: Mapping[str, str] = os.environ) -> str | None:
    """The reason this environment cannot build for deployment, or None (also when not deploying)."""
    try:
        if not deploy_requested(environ):
            return None
    except ValueError as error:
        return str(error)
    return deploy_url_problem(environ.get("SITE_URL"))


if __name__ == "__main__":
    problem = check()
    if problem:
        sys.exit(f"deploy check failed: {problem}")
    print(f"deploy check passed: SITE_URL={os.environ['SITE_URL']!r}" if deploy_requested()
          else "not a deploy build (DEPLOY unset): SITE_URL is optional")
