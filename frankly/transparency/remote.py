"""Reading a running site's ledger from its public API, as any outsider would."""

import base64
import binascii
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

from frankly.transparency.ledger import Verdict, verify_chain

TIMEOUT = 30


class RemoteError(Exception):
    pass


def _get(base_url: str, path: str, **params) -> dict | None:
    url = f"{base_url.rstrip('/')}/api/v1{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise RemoteError(f"{base_url} is not an http(s) address.")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404 and path == "/ledger/checkpoint":
            return None
        raise RemoteError(f"{url} answered HTTP {exc.code}.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RemoteError(f"Could not reach {url}: {exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RemoteError(f"{url} did not answer with JSON.") from exc
    except http.client.HTTPException as exc:
        raise RemoteError(f"{url} broke off its answer: {exc!r}") from exc


def _entries(base_url: str) -> Iterator[dict]:
    after = 0
    while True:
        page = _get(base_url, "/ledger/entries", after=after, limit=1000)
        if not isinstance(page, dict) or not isinstance(page.get("items"), list):
            raise RemoteError("The ledger API answered in an unexpected shape.")
        for item in page["items"]:
            if not isinstance(item, dict):
                raise RemoteError("The ledger API returned an entry that is not an object.")
            yield item
        following = page.get("next")
        if following is None:
            return
        if not isinstance(following, int) or isinstance(following, bool) or following <= after:
            raise RemoteError("The ledger API's `next` does not move forward; stopping.")
        after = following


def verify_remote(base_url: str) -> Verdict:
    """Download the ledger, the checkpoint and the key, and check them all.

    The checkpoint is fetched first: entries appended while we read are fine, and
    the signed head must be found among the entries we download.
    """
    key = _get(base_url, "/ledger/key") or {}
    if not isinstance(key, dict):
        raise RemoteError("The key endpoint answered in an unexpected shape.")
    try:
        public_key = base64.b64decode(key.get("public_key", ""), validate=True)
    except (binascii.Error, TypeError) as exc:
        raise RemoteError("The published key is not valid base64.") from exc
    checkpoint = _get(base_url, "/ledger/checkpoint")
    if checkpoint is not None and not isinstance(checkpoint, dict):
        raise RemoteError("The checkpoint endpoint answered in an unexpected shape.")
    return verify_chain(_entries(base_url), checkpoint=checkpoint, public_key=public_key)
