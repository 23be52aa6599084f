from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    """Sponsorships. The top floor: it reads newsletters (which sends carried a creative),
    ratings (a sponsor's token) and core; nothing imports it. It fills core.promotions'
    slots and records placements when a newsletter send starts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sponsors"
    verbose_name = "Sponsorships"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core import caching, outbox, promotions
        from newsletters.models import Send
        from ratings.models import Token
        from sponsors import enquiries, models, placements, slots

        promotions.register(slots.SponsorFiller())
        caching.forget_after_outage(slots.forget)
        # What slots show: its changes retire every day's kept answer.
        watched = (models.Sponsor, models.Package, models.Campaign, models.Creative, models.HousePromotion,
                   models.AboutBox, Token)
        for model in watched:
            for signal in (post_save, post_delete):
                signal.connect(slots.forget, sender=model, dispatch_uid=f"sponsors.slots.{model._meta.label}")
        post_save.connect(placements.send_started, sender=Send, dispatch_uid="sponsors.record_placements")
        outbox.composers.register(enquiries.ENQUIRY_EMAIL, enquiries.enquiry_email)
