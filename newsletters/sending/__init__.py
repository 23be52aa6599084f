"""How it goes out: a send frozen from its issue, a delivery row per recipient claimed by
workers in batches, delivery over SMTP or an ESP, and the moderators' controls and views."""
