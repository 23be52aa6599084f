"""Who gets what: sign-up and double opt-in, preferences and grade-alert follows, unsubscribing,
the signed links in emails that do these, and suppression of addresses ESPs report."""
