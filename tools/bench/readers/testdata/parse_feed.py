"""Parse the feed on stdin with feedparser; print what readers built on it show, as JSON."""
import json
import sys

import feedparser

d = feedparser.parse(sys.stdin.buffer.read())
out = {
    "bozo": bool(d.bozo),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "version": d.version,
    "entries": [],
}
for e in d.entries:
    out["entries"].append({
        "title": e.get("title", ""),
        "author": e.get("author", ""),
        "authors": [a.get("name", "") for a in e.get("authors", [])],
        "content": "".join(c.get("value", "") for c in e.get("content", [])) or e.get("summary", ""),
        "enclosures": [{"href": x.get("href", ""), "type": x.get("type", "")} for x in e.get("enclosures", [])],
        "source": (e.get("source") or {}).get("title", "") or e.get("dc_source", ""),
    })
json.dump(out, sys.stdout, ensure_ascii=False)
