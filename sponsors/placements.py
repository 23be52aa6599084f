"""Which newsletter sends carried which creative: recorded when a send starts, since its
content is frozen then. The deliveries of those sends are the creative's newsletter
impressions (sponsors.report)."""

from sponsors.models import Creative, SendPlacement, Slot


def creatives_in(body):
    """{(creative id, slot)} of the sponsored promotion blocks in an issue body's raw data."""
    found = set()
    for block in body.raw_data:
        value = block.get("value") or {}
        if block.get("type") == "promotion" and value.get("sponsored") and value.get("creative"):
            slot = value.get("slot") if value.get("slot") in Slot.values else Slot.NEWSLETTER_TOP
            found.add((int(value["creative"]), slot))
    return found


def record(send):
    carried = creatives_in(send.issue.specific.body)
    if not carried:
        return 0
    existing = set(Creative.objects.filter(pk__in={cid for cid, _ in carried}).values_list("pk", flat=True))
    placements = [
        SendPlacement(send=send, creative_id=cid, slot=slot)
        for cid, slot in sorted(carried)
        if cid in existing
    ]
    SendPlacement.objects.bulk_create(placements, ignore_conflicts=True)
    return len(placements)


def send_started(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        record(instance)
