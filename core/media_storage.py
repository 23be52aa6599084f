"""Uploads in an S3-compatible bucket (settings: AWS_STORAGE_BUCKET_NAME and friends).

Pages show renditions at plain, unsigned URLs that browsers and CDNs cache, so the bucket
lets anyone read the renditions folder and nothing else: original images and documents stay
private, and documents leave only through Wagtail's view, which reads them with the site's
credentials and adds the download headers.
"""

import json
import posixpath

RENDITIONS = "images"  # Wagtail's folder for renditions; originals are in original_images/


def public_read_policy(bucket, location=""):
    """The bucket policy (JSON) that lets anyone GET the renditions, and only them."""
    folder = posixpath.join(location.strip("/"), RENDITIONS)
    statement = {
        "Sid": "PublicRenditions",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/{folder}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)
