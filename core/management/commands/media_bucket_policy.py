"""Print the bucket policy that AWS_STORAGE_BUCKET_NAME needs: public renditions only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.media_storage import public_read_policy


class Command(BaseCommand):
    help = "Print the S3 bucket policy that makes image renditions (and nothing else) public."

    def handle(self, *args, **options):
        if not settings.AWS_STORAGE_BUCKET_NAME:
            raise CommandError("AWS_STORAGE_BUCKET_NAME is not set: uploads are on the local disk.")
        self.stdout.write(public_read_policy(settings.AWS_STORAGE_BUCKET_NAME, settings.AWS_LOCATION))
