/**
 * `feed.xsl`: XSLT 1.0 that a browser applies to `feed.xml` and `atom.xml` (both name it in an
 * `xml-stylesheet` instruction), so a feed opened by a person reads as a page: what the feed is,
 * how to subscribe, and the items with links, dates, authors and summaries. Self-contained (inline
 * CSS, no scripts, fonts or images), so it works offline and under any Content-Security-Policy.
 *
 * Browsers run it only for feeds served as `application/xml` or `text/xml`; served as
 * `application/rss+xml` or `application/atom+xml`, Chromium shows the source instead.
 *
 * RSS descriptions are HTML; ours are a plain-text summary with `& < > " '` escaped, so the
 * stylesheet decodes exactly those five references and shows the text, without relying on
 * `disable-output-escaping` (which Firefox ignores).
 */
import { FEED_STYLESHEET, type OutputFile } from '../../model/index.js';

const XSL = `<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:apply-templates select="rss/channel | atom:feed"/>
  </xsl:template>

  <xsl:template match="channel">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="description" select="description"/>
      <xsl:with-param name="home" select="link"/>
      <xsl:with-param name="self" select="atom:link[@rel = 'self']/@href"/>
      <xsl:with-param name="lang" select="language"/>
      <xsl:with-param name="kind" select="'RSS'"/>
      <xsl:with-param name="count" select="count(item)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:feed">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="description" select="atom:subtitle"/>
      <xsl:with-param name="home" select="atom:link[@rel = 'alternate']/@href"/>
      <xsl:with-param name="self" select="atom:link[@rel = 'self']/@href"/>
      <xsl:with-param name="lang" select="@xml:lang"/>
      <xsl:with-param name="kind" select="'Atom'"/>
      <xsl:with-param name="count" select="count(atom:entry)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="page">
    <xsl:param name="title"/>
    <xsl:param name="description"/>
    <xsl:param name="home"/>
    <xsl:param name="self"/>
    <xsl:param name="lang"/>
    <xsl:param name="kind"/>
    <xsl:param name="count"/>
    <html lang="{$lang}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> (<xsl:value-of select="$kind"/> feed)</title>
        <style>
          :root { color-scheme: light dark; --muted: #5b6470; --line: #d8dde3; --accent: #0b57d0; }
          @media (prefers-color-scheme: dark) { :root { --muted: #a3acb8; --line: #39414b; --accent: #8ab4f8; } }
          body { margin: 0; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
          main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
          a { color: var(--accent); }
          .notice { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: 1.25rem 0 1rem; font-size: .95rem; }
          .notice code { display: block; margin-top: .35rem; overflow-wrap: anywhere; font-size: .9rem; }
          h1 { font-size: 1.9rem; line-height: 1.25; margin: 1rem 0 .25rem; }
          .description { margin: 0 0 .5rem; color: var(--muted); }
          ol { list-style: none; margin: 2rem 0 0; padding: 0; }
          li { border-top: 1px solid var(--line); padding: 1.1rem 0; }
          h2 { font-size: 1.25rem; line-height: 1.35; margin: 0 0 .2rem; }
          h2 a { text-decoration: none; }
          h2 a:hover { text-decoration: underline; }
          .meta { margin: 0 0 .4rem; font-size: .9rem; color: var(--muted); }
          .summary { margin: 0; }
        </style>
      </head>
      <body>
        <main>
          <h1 dir="auto"><xsl:value-of select="$title"/></h1>
          <xsl:if test="string($description) != ''">
            <p class="description" dir="auto"><xsl:value-of select="$description"/></p>
          </xsl:if>
          <p class="notice">This is an <xsl:value-of select="$kind"/> feed. To follow it, copy its address into your news reader:<code><xsl:value-of select="$self"/></code></p>
          <p><a href="{$home}">Visit the website</a></p>
          <xsl:if test="$count = 0">
            <p>No articles yet.</p>
          </xsl:if>
          <ol>
            <xsl:apply-templates select="item | atom:entry"/>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <h2 dir="auto"><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <p class="meta">
        <time datetime="{pubDate}"><xsl:value-of select="substring(pubDate, 6, 11)"/></time>
        <xsl:for-each select="dc:creator">
          <xsl:choose>
            <xsl:when test="position() = 1"> · </xsl:when>
            <xsl:otherwise>, </xsl:otherwise>
          </xsl:choose>
          <xsl:value-of select="."/>
        </xsl:for-each>
      </p>
      <xsl:variable name="summary">
        <xsl:call-template name="unescape-html">
          <xsl:with-param name="text" select="string(description)"/>
        </xsl:call-template>
      </xsl:variable>
      <xsl:if test="string($summary) != string(title)">
        <p class="summary" dir="auto"><xsl:value-of select="$summary"/></p>
      </xsl:if>
    </li>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <h2 dir="auto"><a href="{atom:link[@rel = 'alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
      <p class="meta">
        <xsl:variable name="date" select="string(atom:published | atom:updated[not(../atom:published)])"/>
        <time datetime="{$date}">
          <xsl:value-of select="substring($date, 9, 2)"/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="substring('JanFebMarAprMayJunJulAugSepOctNovDec', (number(substring($date, 6, 2)) - 1) * 3 + 1, 3)"/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="substring($date, 1, 4)"/>
        </time>
        <xsl:for-each select="atom:author/atom:name">
          <xsl:choose>
            <xsl:when test="position() = 1"> · </xsl:when>
            <xsl:otherwise>, </xsl:otherwise>
          </xsl:choose>
          <xsl:value-of select="."/>
        </xsl:for-each>
      </p>
      <xsl:if test="atom:summary">
        <p class="summary" dir="auto"><xsl:value-of select="atom:summary"/></p>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- Decodes &amp; &lt; &gt; &quot; &#39; (all that an escaped plain-text summary contains). -->
  <xsl:template name="unescape-html">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:variable name="entity" select="substring-before($rest, ';')"/>
        <xsl:choose>
          <xsl:when test="$entity = 'amp'">&amp;</xsl:when>
          <xsl:when test="$entity = 'lt'">&lt;</xsl:when>
          <xsl:when test="$entity = 'gt'">&gt;</xsl:when>
          <xsl:when test="$entity = 'quot'">"</xsl:when>
          <xsl:when test="$entity = '#39'">'</xsl:when>
          <xsl:otherwise>&amp;</xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="unescape-html">
          <xsl:with-param name="text">
            <xsl:choose>
              <xsl:when test="$entity = 'amp' or $entity = 'lt' or $entity = 'gt' or $entity = 'quot' or $entity = '#39'">
                <xsl:value-of select="substring-after($rest, ';')"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$rest"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
`;

/** The feeds' browser stylesheet, at `feed.xsl`; the same for every site and scope. */
export function renderFeedStylesheet(): OutputFile {
  return { path: FEED_STYLESHEET, content: XSL };
}
