"""What is sent: issue blocks, an issue rendered as HTML and plain-text email, its feed, the
Daily Briefing drafted from the grades, and the grade alerts."""
