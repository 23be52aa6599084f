"""Site furniture that apps add to every page without the base template naming them.

``footer_templates``: templates rendered at the foot of every page (inside the base
template's ``footer_signup`` block, which a page may empty), in the page's own context.
``feeds``: (title, URL name) of the site's RSS feeds, linked from every page's head and
footer (the blog adds its article feed).
``page_scripts``: static paths of scripts every page loads (deferred), whatever the page
leaves out. Apps register both in their AppConfig.ready(); newsletters adds its sign-up box.
"""

feeds = []
footer_templates = []
page_scripts = []
