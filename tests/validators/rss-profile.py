"""RSS 2.0 checks: the RSS 2.0 specification, the RSS Advisory Board's Best Practices Profile and
the rules the W3C Feed Validator reports as errors or warnings for the elements Gazette writes.

Usage: rss-profile.py FILE...  -> JSON list of {"path": FILE, "errors": [message, ...]} on stdout.

The XML is read with expat in namespace mode, so an undeclared prefix is an error, as in any
namespace-aware reader.
"""
import email.utils
import json
import re
import sys
import xml.etree.ElementTree as ET

ATOM = 'http://www.w3.org/2005/Atom'
CONTENT = 'http://purl.org/rss/1.0/modules/content/'
DC = 'http://purl.org/dc/elements/1.1/'
KNOWN_NAMESPACES = {ATOM, CONTENT, DC}

CHANNEL_ELEMENTS = {
    'title', 'link', 'description', 'language', 'copyright', 'managingEditor', 'webMaster', 'pubDate',
    'lastBuildDate', 'category', 'generator', 'docs', 'cloud', 'ttl', 'image', 'rating', 'textInput',
    'skipHours', 'skipDays', 'item',
}
ITEM_ELEMENTS = {'title', 'link', 'description', 'author', 'category', 'comments', 'enclosure', 'guid', 'pubDate', 'source'}
ONCE_IN_CHANNEL = CHANNEL_ELEMENTS - {'category', 'item'}
ONCE_IN_ITEM = ITEM_ELEMENTS - {'category'}

RFC822 = re.compile(
    r'^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) '
    r'(\d{2}):(\d{2}):(\d{2}) (GMT|[+-]\d{4})$'
)
LANGUAGE = re.compile(r'^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$')
MIME = re.compile(r'^[^\s()<>,;:\\"/\[\]?=]+/[^\s()<>,;:\\"/\[\]?=]+$')
HTTP_URL = re.compile(r'^https?://[^\s<>"]+$')
EMAIL_WITH_NAME = re.compile(r'^[^\s@()]+@[^\s@()]+ \(.+\)$')
C1 = re.compile('[\u0080-\u009f]')


def local(tag):
    return tag.split('}', 1)[1] if tag.startswith('{') else tag


def namespace(tag):
    return tag[1:].split('}', 1)[0] if tag.startswith('{') else None


def check_date(errors, where, value):
    m = RFC822.match(value or '')
    if not m:
        errors.append(f'{where}: "{value}" is not an RFC 822 date with a four-digit year')
        return
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        errors.append(f'{where}: "{value}" is not a real date')
        return
    if parsed.strftime('%a') != m.group(1):
        errors.append(f'{where}: "{value}" names the wrong day of the week')


def check_tree(errors, element, path):
    """Rules for every element: no empty text-only elements, no C1 controls."""
    text = element.text or ''
    if len(element) == 0 and not element.attrib and text.strip() == '':
        errors.append(f'{path}: empty element')
    for value in [text, *element.attrib.values()]:
        if C1.search(value):
            errors.append(f'{path}: contains a C1 control character')
    counts = {}
    for child in element:
        counts[child.tag] = counts.get(child.tag, 0) + 1
        check_tree(errors, child, f'{path}/{local(child.tag)}')
    return counts


def check_foreign(errors, element, where):
    ns = namespace(element.tag)
    if ns is None:
        errors.append(f'{where}: undefined element <{element.tag}>')
    elif ns not in KNOWN_NAMESPACES:
        errors.append(f'{where}: element in an unexpected namespace {ns}')


def check_item(errors, item, where, guids):
    counts = {}
    for child in item:
        counts[child.tag] = counts.get(child.tag, 0) + 1
        name = local(child.tag)
        if namespace(child.tag) is None and name not in ITEM_ELEMENTS:
            errors.append(f'{where}: undefined item element <{name}>')
        elif namespace(child.tag) is not None:
            check_foreign(errors, child, where)
    for name in ONCE_IN_ITEM:
        if counts.get(name, 0) > 1:
            errors.append(f'{where}: more than one <{name}>')
    if counts.get(f'{{{CONTENT}}}encoded', 0) > 1:
        errors.append(f'{where}: more than one <content:encoded>')
    if 'title' not in counts and 'description' not in counts:
        errors.append(f'{where}: an item needs a title or a description')
    if f'{{{CONTENT}}}encoded' in counts and 'description' not in counts:
        errors.append(f'{where}: content:encoded without a description')

    guid = item.find('guid')
    if guid is None:
        errors.append(f'{where}: no guid')
    else:
        value = (guid.text or '').strip()
        permalink = guid.get('isPermaLink', 'true')
        if permalink not in ('true', 'false'):
            errors.append(f'{where}: guid isPermaLink must be "true" or "false"')
        if permalink == 'true' and not HTTP_URL.match(value):
            errors.append(f'{where}: a permalink guid must be an http(s) URL, got "{value}"')
        if value in guids:
            errors.append(f'{where}: duplicate guid "{value}"')
        guids.add(value)

    link = item.find('link')
    if link is not None and not HTTP_URL.match((link.text or '').strip()):
        errors.append(f'{where}: link "{link.text}" is not an absolute http(s) URL')
    pub = item.find('pubDate')
    if pub is not None:
        check_date(errors, f'{where}/pubDate', pub.text)
    for author in item.findall('author'):
        if not EMAIL_WITH_NAME.match((author.text or '').strip()):
            errors.append(f'{where}: author "{author.text}" is not "email (Name)"')
    for creator in item.findall(f'{{{DC}}}creator'):
        if (creator.text or '').strip() == '':
            errors.append(f'{where}: blank dc:creator')
    for category in item.findall('category'):
        if (category.text or '').strip() == '':
            errors.append(f'{where}: blank category')
    for enclosure in item.findall('enclosure'):
        url, length, mime = enclosure.get('url'), enclosure.get('length'), enclosure.get('type')
        if url is None or not HTTP_URL.match(url):
            errors.append(f'{where}: enclosure url "{url}" is not an http(s) URL')
        if length is None or not re.match(r'^\d+$', length):
            errors.append(f'{where}: enclosure length "{length}" is not a non-negative integer')
        if mime is None or not MIME.match(mime):
            errors.append(f'{where}: enclosure type "{mime}" is not a MIME type')


def check(path):
    errors = []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return [f'not well-formed: {e}']
    if root.tag != 'rss' or root.get('version') != '2.0':
        return [f'root element is <{root.tag}> version {root.get("version")}, not <rss version="2.0">']
    check_tree(errors, root, '/rss')
    channels = root.findall('channel')
    if len(channels) != 1 or len(root) != 1:
        return errors + ['<rss> must contain exactly one <channel>']
    channel = channels[0]
    counts = {}
    for child in channel:
        counts[child.tag] = counts.get(child.tag, 0) + 1
        if namespace(child.tag) is None and child.tag not in CHANNEL_ELEMENTS:
            errors.append(f'channel: undefined channel element <{child.tag}>')
        elif namespace(child.tag) is not None:
            check_foreign(errors, child, 'channel')
    for name in ('title', 'link', 'description'):
        if counts.get(name, 0) != 1:
            errors.append(f'channel: needs exactly one <{name}>')
    for name in ONCE_IN_CHANNEL:
        if counts.get(name, 0) > 1:
            errors.append(f'channel: more than one <{name}>')
    link = channel.find('link')
    if link is not None and not HTTP_URL.match((link.text or '').strip()):
        errors.append(f'channel: link "{link.text}" is not an absolute http(s) URL')
    language = channel.find('language')
    if language is not None and not LANGUAGE.match((language.text or '').strip()):
        errors.append(f'channel: language "{language.text}" is not a language code')
    for name in ('pubDate', 'lastBuildDate'):
        element = channel.find(name)
        if element is not None:
            check_date(errors, f'channel/{name}', element.text)
    selfs = [l for l in channel.findall(f'{{{ATOM}}}link') if l.get('rel') == 'self']
    if len(selfs) != 1:
        errors.append('channel: needs exactly one atom:link rel="self"')
    else:
        if not HTTP_URL.match(selfs[0].get('href') or ''):
            errors.append(f'channel: atom:link self href "{selfs[0].get("href")}" is not an http(s) URL')
        if selfs[0].get('type') != 'application/rss+xml':
            errors.append('channel: atom:link self type is not application/rss+xml')
    guids = set()
    for index, item in enumerate(channel.findall('item')):
        check_item(errors, item, f'item[{index + 1}]', guids)
    return errors


if __name__ == '__main__':
    json.dump([{'path': p, 'errors': check(p)} for p in sys.argv[1:]], sys.stdout, ensure_ascii=False)
