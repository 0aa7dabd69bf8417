"""What a feed reader sees: Debian's feedparser (the library behind many readers and planet
aggregators) parses each file, and this prints the result as JSON.

Usage: feedparser-dump.py FILE...  -> JSON list, one object per file, in argument order.
Dates are given as RFC 3339 UTC strings; text/html summaries also as the plain text they display.
"""
import calendar
import html
import json
import sys
import time

import feedparser


def iso(parsed):
    if not parsed:
        return None
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(calendar.timegm(parsed)))


def shown_text(detail):
    """The text a reader displays for a text construct (HTML is unescaped, tags kept as typed)."""
    if not detail:
        return None
    value = detail.get('value')
    return html.unescape(value) if detail.get('type') == 'text/html' else value


def entry(e):
    return {
        'id': e.get('id'),
        'title': e.get('title'),
        'title_type': (e.get('title_detail') or {}).get('type'),
        'link': e.get('link'),
        'links': [dict(l) for l in e.get('links', [])],
        'published': iso(e.get('published_parsed')),
        'updated': iso(e.get('updated_parsed')),
        'summary': e.get('summary'),
        'summary_text': shown_text(e.get('summary_detail')),
        'content': [c.get('value') for c in e.get('content', [])],
        'authors': [a.get('name') for a in e.get('authors', [])],
        'tags': [{'term': t.get('term'), 'label': t.get('label')} for t in e.get('tags', [])],
        'enclosures': [dict(x) for x in e.get('enclosures', [])],
    }


def dump(path):
    d = feedparser.parse(path)
    f = d.feed
    return {
        'path': path,
        'bozo': bool(d.bozo),
        'bozo_exception': str(d.get('bozo_exception')) if d.bozo else None,
        'version': d.get('version'),
        'encoding': d.get('encoding'),
        'feed': {
            'id': f.get('id'),
            'title': f.get('title'),
            'subtitle': f.get('subtitle'),
            'link': f.get('link'),
            'links': [dict(l) for l in f.get('links', [])],
            'language': f.get('language'),
            'updated': iso(f.get('updated_parsed')),
            'authors': [a.get('name') for a in f.get('authors', [])],
        },
        'entries': [entry(e) for e in d.entries],
    }


if __name__ == '__main__':
    json.dump([dump(p) for p in sys.argv[1:]], sys.stdout, ensure_ascii=False)
