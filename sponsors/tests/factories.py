import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from blog.tests.factories import ImageFactory
from sponsors.models import Campaign, Creative, HousePromotion, Package, Sponsor


class SponsorFactory(DjangoModelFactory):
    class Meta:
        model = Sponsor

    name = factory.Sequence(lambda n: f"Northwind Labs {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    site = "https://northwind.example/"
    contact_email = "ads@northwind.example"
    disclosure = factory.LazyAttribute(lambda o: f"Paid placement by {o.name}")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    sponsor = factory.SubFactory(SponsorFactory)
    # The migration makes Gold; a transactional test before this one may have flushed it.
    package = factory.LazyFunction(
        lambda: Package.objects.get_or_create(
            name="Gold", defaults={"includes": "Site banner", "price": 5000, "duration_days": 30}
        )[0]
    )
    name = factory.Sequence(lambda n: f"Autumn push {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=5))
    in_site_banner = True
    in_article = True
    in_newsletter_top = True


class CreativeFactory(DjangoModelFactory):
    """Tailored copy, approved unless approved_at=None."""

    class Meta:
        model = Creative

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Creative {n}")
    kind = Creative.Kind.COPY
    headline = "Settle stablecoin payments in seconds"
    text = "Northwind's payment rails clear in one block. Try the sandbox free."
    link = "https://northwind.example/sandbox?utm_source=tokenresearch"
    link_text = "Open the sandbox"
    approved_at = factory.LazyFunction(timezone.now)


class BannerFactory(CreativeFactory):
    kind = Creative.Kind.BANNER
    headline = ""
    text = ""
    image = factory.SubFactory(ImageFactory)
    alt_text = "Northwind: payments that settle in one block"


class HousePromotionFactory(DjangoModelFactory):
    class Meta:
        model = HousePromotion

    name = "API keys"
    kind = HousePromotion.Kind.COPY
    headline = "Build Smarter Crypto Apps & AI Agents"
    text = "Grades, history and research as JSON, for your app or your agent."
    link = "/api/keys/"
    link_text = "Grab a Free API Key"
    in_site_banner = True
    in_article = True
    in_newsletter_top = True
