/**
 * The plain-text part, from the same data as the HTML. Used unless the site has a `digest.txt`
 * beside its MJML template (same variables; output is not escaped). Blank-line runs and trailing
 * spaces are tidied after rendering, so the template can be written for legibility.
 */
export const DEFAULT_TEXT_TEMPLATE = `{{ site.title }}: {{ digest.count }} new {{ digest.count | plural: "article", "articles" }}
{{ digest.date }}

Hello {{ recipient.name | default: "there" }}, here is what is new on {{ site.title }}.

{% for article in articles %}
{{ article.title }}
{% if article.byline != "" %}By {{ article.byline }} · {% endif %}{{ article.date }}

{% if article.summary != "" %}{{ article.summary | truncate: 420 | wrap: 72 }}

{% endif %}Read the article: {{ article.url }}

{% endfor %}
{% if digest.more_count > 0 %}And {{ digest.more_count }} more {{ digest.more_count | plural: "article", "articles" }} on {{ site.title }}: {{ digest.more_url }}

{% endif %}
--
You receive this digest because you subscribed to {{ site.title }} at {{ site.url }} with {{ recipient.email }}.
{{ email.postal_address }}

View in browser: {{ digest.web_url }}
Unsubscribe: {{ recipient.unsubscribe_url }}
`;
