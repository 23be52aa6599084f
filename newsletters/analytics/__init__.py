"""Newsletter analytics: open and click tracking, machine activity told apart, reports.

For other apps (sponsors reports): ``counts_for_sends(send_ids)`` returns
``{send_id: SendCounts(sent, delivered, human_opens, unique_clicks, clicks_by_url)}``
(newsletters.analytics.reports has the definitions).
"""


def counts_for_sends(send_ids):
    from newsletters.analytics.reports import counts_for_sends as counts  # models load after apps

    return counts(send_ids)
