from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string

from awards.models import Category, Nominee


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_ballot_email(email, category_id, nominee_id, link):
    category = Category.objects.select_related("program").get(pk=category_id)
    nominee = Nominee.objects.get(pk=nominee_id)
    context = {"category": category, "nominee": nominee, "link": link}
    send_mail(
        subject=f"Confirm your vote in {category.title}",
        message=render_to_string("awards/email/ballot.txt", context),
        from_email=None,
        recipient_list=[email],
    )
